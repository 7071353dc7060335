using System.Reflection;
using System.Text.RegularExpressions;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Staff;

namespace PenguinMails.Infrastructure.Core.Tests.Staff;

public sealed class WellKnownPermissionsTests
{
    private static readonly Regex Row = new(@"^\s*\((?<id>\d+), '(?<name>[^']*)', '(?<category>[^']*)', '(?<description>[^']*)'\)[,;]\s*$", RegexOptions.Multiline);

    [Fact]
    public void SeedMigration_InsertsExactlyTheCatalog()
    {
        var seed = Assert.Single(SchemaMigrations.All, m => m.Name == "seed_well_known_permissions");

        var rows = Row.Matches(seed.UpSql)
            .Select(m => new WellKnownPermission(int.Parse(m.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["name"].Value, m.Groups["category"].Value, m.Groups["description"].Value))
            .ToArray();

        Assert.Equal(WellKnownPermissions.All, rows);
        Assert.Equal(WellKnownPermissions.All.Count, Regex.Count(seed.UpSql, @"^\s*\(\d+,", RegexOptions.Multiline));
    }

    [Fact]
    public void SeedMigration_Down_RemovesExactlyTheCatalogIds()
    {
        var seed = Assert.Single(SchemaMigrations.All, m => m.Name == "seed_well_known_permissions");

        Assert.Contains($"BETWEEN 1 AND {WellKnownPermissions.All.Count}", seed.DownSql, StringComparison.Ordinal);
    }

    [Fact]
    public void All_IdsAreDenseFromOne_NamesAreUniqueAndFitTheColumns()
    {
        Assert.Equal(Enumerable.Range(1, WellKnownPermissions.All.Count), WellKnownPermissions.All.Select(p => p.Id));
        Assert.Equal(WellKnownPermissions.All.Count, WellKnownPermissions.All.Select(p => p.Name).Distinct().Count());
        Assert.All(WellKnownPermissions.All, p =>
        {
            Assert.InRange(p.Name.Length, 1, 100);
            Assert.InRange(p.Category.Length, 1, 50);
            Assert.Matches("^[a-z_]+\\.[a-z_]+$", p.Name);
            Assert.DoesNotContain('\'', p.Description);
            Assert.True(p.Id < WellKnownPermissions.FirstApplicationId);
        });
    }

    [Fact]
    public void Constants_AreEachInTheCatalog_AndCoverIt()
    {
        var constants = typeof(WellKnownPermissions)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(WellKnownPermissions.All.Select(p => p.Name).Order(StringComparer.Ordinal), constants);
        Assert.Equal(13, WellKnownPermissions.Find(WellKnownPermissions.StaffManage)!.Id);
        Assert.Null(WellKnownPermissions.Find("nope.nope"));
    }
}
