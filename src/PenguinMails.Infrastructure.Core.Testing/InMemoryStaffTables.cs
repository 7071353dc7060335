using System.Runtime.CompilerServices;

namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// The staff tables of the in-memory store, and the seeding of <c>permissions</c> with the package's catalog
/// (<see cref="WellKnownPermissions"/>), as schema version 7 seeds it in PostgreSQL.
/// </summary>
/// <remarks>
/// The catalog is seeded lazily, without touching the store's constructor: until the first write to
/// <c>permissions</c>, a state that has no <c>permissions</c> table reads as the catalog; the first write stores the
/// table together with a marker, after which the stored table is authoritative (so deleting seeded rows sticks).
/// <see cref="InMemoryInfraStore.Clear"/> therefore returns to the catalog, as a freshly migrated database has it.
/// The seeded rows' <c>created</c> is the store's clock when the catalog was first read, once per store.
/// </remarks>
internal static class InMemoryStaffTables
{
    public static readonly TableDef<int, StaffRole> Roles = new(StaffRole.TableName, Comparer<int>.Default);

    public static readonly TableDef<(int RoleId, int PermissionId), StaffRolePermission> Grants = new(
        StaffRolePermission.TableName,
        Comparer<(int RoleId, int PermissionId)>.Default
    );

    public static readonly TableDef<Guid, StaffMember> Members = new(StaffMember.TableName, UuidOrder.Instance);

    private static readonly TableDef<int, Permission> PermissionsTable = new(Permission.TableName, Comparer<int>.Default);

    /// <summary>The name of the marker table that says <c>permissions</c> was written (see <see cref="Permissions"/>).</summary>
    public const string PermissionsWrittenName = Permission.TableName + "#written";

    // Holds one row once permissions has been written in this state; absent means "as seeded".
    private static readonly TableDef<int, bool> PermissionsWritten = new(PermissionsWrittenName, Comparer<int>.Default);


    private static readonly ConditionalWeakTable<InMemoryInfraStore, Table<int, Permission>> Catalogs = new();

    /// <summary>The <c>permissions</c> table of <paramref name="state"/>: the seeded catalog until it is first written.</summary>
    public static Table<int, Permission> Permissions(StoreState state, InMemoryInfraStore store) =>
        state.Table(PermissionsWritten).IsEmpty ? Catalogs.GetValue(store, Seed) : state.Table(PermissionsTable);

    /// <summary>Stores <paramref name="table"/> as the <c>permissions</c> table of <paramref name="state"/>.</summary>
    public static StoreState WithPermissions(StoreState state, Table<int, Permission> table) =>
        state.With(PermissionsTable, table).With(PermissionsWritten, PermissionsWritten.Empty.Add(0, true));

    private static Table<int, Permission> Seed(InMemoryInfraStore store)
    {
        var created = StoreClock.Now(store.TimeProvider);
        return PermissionsTable.Empty.AddRange(
            WellKnownPermissions.All.Select(p => new KeyValuePair<int, Permission>(
                p.Id,
                new Permission
                {
                    Id = new PermissionId(p.Id),
                    Name = p.Name,
                    Description = p.Description,
                    Category = p.Category,
                    Created = created,
                }
            ))
        );
    }
}
