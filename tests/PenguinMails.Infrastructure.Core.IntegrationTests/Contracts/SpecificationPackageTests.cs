using System.Reflection;
using System.Xml.Linq;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;

/// <summary>
/// The published contract suite as the package ships it: every public type documented (the project waives CS1591 for
/// the self-describing test methods only), and every published contract class run on both of the package's stores.
/// </summary>
public sealed class SpecificationPackageTests
{
    private static readonly Assembly Suite = typeof(IContractStore).Assembly;

    private static Type[] Contracts =>
        Suite.GetExportedTypes().Where(t => t.IsClass && t.IsAbstract && !t.IsSealed && t.Name.EndsWith("Contract", StringComparison.Ordinal)).ToArray();

    [Fact]
    public void ExportedTypes_AreAllDocumented_AndSoAreTheStoreAndClockMembers()
    {
        var documented = XDocument
            .Load(Path.ChangeExtension(Suite.Location, ".xml"))
            .Descendants("member")
            .Where(m => m.Element("summary") is not null || m.Element("inheritdoc") is not null)
            .Select(m => (string)m.Attribute("name")!)
            .ToHashSet(StringComparer.Ordinal);

        var missing = Suite
            .GetExportedTypes()
            .Select(t => "T:" + t.FullName!.Replace('+', '.'))
            .Concat(typeof(IContractStore).GetProperties().Select(p => $"P:{typeof(IContractStore).FullName}.{p.Name}"))
            .Concat(typeof(ContractClock).GetProperties().Select(p => $"P:{typeof(ContractClock).FullName}.{p.Name}"))
            .Where(name => !documented.Contains(name))
            .ToList();

        missing.AddRange(typeof(IContractStore)
            .GetMethods()
            .Where(m => !m.IsSpecialName)
            .Select(m => $"M:{typeof(IContractStore).FullName}.{m.Name}(")
            .Where(prefix => !documented.Any(d => d.StartsWith(prefix, StringComparison.Ordinal))));

        Assert.Empty(missing);
    }

    [Fact]
    public void EveryPublishedContract_RunsOnTheInMemoryAndThePostgresStore()
    {
        var runners = typeof(SpecificationPackageTests).Assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract).ToList();

        Assert.Equal(12, Contracts.Length);
        foreach (var contract in Contracts)
        {
            var derived = runners.Where(contract.IsAssignableFrom).Select(t => t.Name).ToList();
            Assert.True(derived.Any(n => n.StartsWith("InMemory", StringComparison.Ordinal)), $"{contract.Name} has no in-memory test class: {string.Join(", ", derived)}");
            Assert.True(derived.Any(n => n.StartsWith("Postgres", StringComparison.Ordinal)), $"{contract.Name} has no PostgreSQL test class: {string.Join(", ", derived)}");
        }
    }
}
