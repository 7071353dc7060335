using System.Text.RegularExpressions;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.Api;

/// <summary>
/// The library projects hold one public type per file, in a file named after it (a generic type without its arity),
/// in the folder of its namespace, so that a reader finds a type by its name.
/// </summary>
public sealed partial class SourceLayoutTests
{
    private static readonly string[] Projects =
    [
        "PenguinMails.Infrastructure.Core",
        "PenguinMails.Infrastructure.Core.Testing",
        "PenguinMails.Infrastructure.Core.Specification.Tests",
    ];

    [GeneratedRegex(@"^public (?:(?:sealed|static|abstract|readonly|partial|ref) )*(?:record struct|record class|record|class|struct|enum|interface|delegate [\w<>?,\s\[\]]+?) (\w+)", RegexOptions.Multiline)]
    private static partial Regex PublicTopLevelType();

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    public static TheoryData<string> SourceFiles() =>
        new(Projects.SelectMany(p =>
            Directory.EnumerateFiles(Path.Combine(RepositoryLayout.Root, "src", p), "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Select(f => Path.GetRelativePath(RepositoryLayout.Root, f))));

    [Fact]
    public void SourceFiles_AreFound()
    {
        Assert.True(SourceFiles().Count > 250);
    }

    [Theory]
    [MemberData(nameof(SourceFiles))]
    public void EveryFile_HoldsAtMostOnePublicTypeNamedAfterIt(string file)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryLayout.Root, file));
        var types = PublicTopLevelType().Matches(text).Select(m => m.Groups[1].Value).ToArray();

        Assert.True(types.Length <= 1, $"{file} holds {types.Length} public types: {string.Join(", ", types)}");
        if (types.Length == 1)
        {
            Assert.Equal(types[0], Path.GetFileNameWithoutExtension(file).Split('.')[0]);
        }
    }

    [Theory]
    [MemberData(nameof(SourceFiles))]
    public void EveryFile_SitsInTheFolderOfItsNamespace(string file)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryLayout.Root, file));
        var match = Namespace().Match(text);
        Assert.True(match.Success, $"{file} has no file-scoped namespace");
        var project = file.Split(Path.DirectorySeparatorChar)[1];
        var folder = Path.GetDirectoryName(Path.GetRelativePath(Path.Combine("src", project), file))!.Replace(Path.DirectorySeparatorChar, '.');
        var rootNamespace = project.EndsWith(".Specification.Tests", StringComparison.Ordinal) ? project[..^".Tests".Length] : project; // the RootNamespace of each project

        Assert.Equal(folder.Length == 0 ? rootNamespace : rootNamespace + "." + folder, match.Groups[1].Value);
    }
}
