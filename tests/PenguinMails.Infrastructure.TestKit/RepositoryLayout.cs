namespace PenguinMails.Infrastructure.TestKit;

/// <summary>Paths of the repository, found by walking up from the test binaries to the solution file.</summary>
public static class RepositoryLayout
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The folder that holds PenguinMails.Infrastructure.Core.sln.</summary>
    public static string Root => s_root.Value;

    /// <summary>The seed SQL, the contract of the schema (<c>../shared/seeds/000_0989560edfceec65.txt</c> from the root).</summary>
    public static string SeedFile => Path.GetFullPath(Path.Combine(Root, "..", "shared", "seeds", "000_0989560edfceec65.txt"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PenguinMails.Infrastructure.Core.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No PenguinMails.Infrastructure.Core.sln above {AppContext.BaseDirectory}.");
    }
}
