namespace PenguinMails.Infrastructure.TestKit;

/// <summary>Paths of the repository, found by walking up from the test binaries to the solution file.</summary>
public static class RepositoryLayout
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The folder that holds PenguinMails.Infrastructure.Core.sln.</summary>
    public static string Root => s_root.Value;

    /// <summary>
    /// The seed SQL, the contract of the schema: the repository's copy of the shared seed <c>000_0989560edfceec65.txt</c>
    /// (in <c>tests/PenguinMails.Infrastructure.TestKit/Seed/</c>, so a fresh clone runs the tests; its SHA-256 is pinned
    /// by <c>SeedContractTests</c>).
    /// </summary>
    public static string SeedFile => Path.Combine(Root, "tests", "PenguinMails.Infrastructure.TestKit", "Seed", "000_0989560edfceec65.txt");

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
