using Npgsql;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;
using PenguinMails.Infrastructure.Core.Preferences;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.SystemConfig;
using PenguinMails.Infrastructure.Core.Tenants;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit;
using Xunit.Abstractions;
using SeedReader = PenguinMails.Infrastructure.Core.IntegrationTests.Schema.SeedContract;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Reliability;

/// <summary>
/// The PostgreSQL database for the planted-data tests: migrated, then loosened the way another writer's schema could
/// be (every CHECK constraint of the package's tables dropped, the two NOT NULL columns made nullable), so that
/// unknown status strings and NULLs can be planted.
/// </summary>
public sealed class PlantedDataDatabase : IAsyncLifetime
{
    private readonly PostgresContractDatabase _inner = new();

    public NpgsqlDataSource DataSource => _inner.DataSource;

    /// <summary>The same database as the contract stores take it.</summary>
    public PostgresContractDatabase Contract => _inner;

    public async Task InitializeAsync()
    {
        await _inner.InitializeAsync();
        await using var command = DataSource.CreateCommand(
            """
            DO $$
            DECLARE c record;
            BEGIN
              FOR c IN SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
                       WHERE contype = 'c' AND connamespace = 'public'::regnamespace
              LOOP
                EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.tbl, c.conname);
              END LOOP;
            END $$;
            ALTER TABLE smtp_ip_addresses ALTER COLUMN ip_address DROP NOT NULL;
            ALTER TABLE feature_flags ALTER COLUMN key DROP NOT NULL;
            """
        );
        await command.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => _inner.DisposeAsync();
}

/// <summary>
/// Values only another writer can leave in PostgreSQL, planted into a row the repository wrote: an unknown status
/// string, JSONB of the wrong shape or types, NULL in a column the entity requires. Every read path of the table (get
/// by id, get by the other keys, list, the RETURNING of writes, the services that read) must raise
/// <see cref="UnknownDatabaseValueException"/> naming table, column and row (or, for a JSON value whose shape is the
/// caller's, <see cref="ConfigValueFormatException"/> naming the key) — never a default. PostgreSQL only: the in-memory
/// store holds entities, so it cannot hold these rows.
/// </summary>
public sealed class BadInputPlantedDataTests(PlantedDataDatabase database, ITestOutputHelper output) : IClassFixture<PlantedDataDatabase>
{
    private static readonly UserId Reader = UserId.New();

    private PostgresContractStore Store => new(database.Contract);

    /// <summary>One planted value: table, column, the SQL literal written, and whether the entity may read it (documented).</summary>
    public sealed record Plant(string Table, string Column, string Sql)
    {
        public override string ToString() => $"{Table}.{Column} = {Sql}";
    }

    /// <summary>Every planted value. A NULL case exists for every nullable seed column the entity requires (see the coverage test).</summary>
    internal static readonly Plant[] Plants =
    [
        new("vps_instances", "status", "NULL"),
        new("vps_instances", "status", "'rebooting'"),
        new("vps_instances", "status", "'Active'"),
        new("vps_instances", "created", "NULL"),
        new("vps_instances", "updated", "NULL"),
        new("smtp_ip_addresses", "ip_address", "NULL"),
        new("smtp_ip_addresses", "status", "NULL"),
        new("smtp_ip_addresses", "status", "'on_fire'"),
        new("smtp_ip_addresses", "reputation_state", "'stellar'"),
        new("smtp_ip_addresses", "assigned_count", "NULL"),
        new("smtp_ip_addresses", "provider_blacklist_status", "'[]'"),
        new("smtp_ip_addresses", "provider_blacklist_status", "'\"listed\"'"),
        new("smtp_ip_addresses", "provider_blacklist_status", "'null'"),
        new("smtp_ip_addresses", "provider_blacklist_status", "'{\"mailbox_providers\": {\"gmail\": {\"listed\": \"yes\"}}}'"),
        new("smtp_ip_addresses", "provider_blacklist_status", "'{\"mailbox_providers\": {\"gmail\": null}}'"),
        new("smtp_ip_addresses", "provider_blacklist_status", "'{\"mailbox_providers\": {\"gmail\": {}}}'"),
        new("smtp_ip_addresses", "provider_blacklist_status", "'{\"surprise\": 1}'"),
        new("smtp_ip_addresses", "provider_blacklist_status", "'{\"blacklists\": {\"a\": {\"listed\": true}, \"A\": {\"listed\": false}}}'"),
        new("smtp_ip_addresses", "provider_blacklist_status", "'{\"blacklists\": {\"a\": {\"listed\": true, \"checked_at\": \"yesterday\"}}}'"),
        new("smtp_ip_addresses", "created", "NULL"),
        new("smtp_ip_addresses", "updated", "NULL"),
        new("domain_ip_assignments", "status", "NULL"),
        new("domain_ip_assignments", "status", "'paused'"),
        new("domain_ip_assignments", "warmup_state", "'hot'"),
        new("domain_ip_assignments", "assigned", "NULL"),
        new("domain_ip_assignments", "created", "NULL"),
        new("domain_ip_assignments", "updated", "NULL"),
        new("staff_members", "created", "NULL"),
        new("staff_members", "updated", "NULL"),
        new("staff_roles", "name", "NULL"),
        new("staff_roles", "created", "NULL"),
        new("permissions", "name", "NULL"),
        new("permissions", "category", "NULL"),
        new("permissions", "created", "NULL"),
        new("system_config", "is_sensitive", "NULL"),
        new("system_config", "updated", "NULL"),
        new("feature_flags", "key", "NULL"),
        new("feature_flags", "is_enabled", "NULL"),
        new("feature_flags", "rollout_percentage", "NULL"),
        new("feature_flags", "updated", "NULL"),
        new("user_preferences", "user_id", "NULL"),
        new("user_preferences", "theme", "NULL"),
        new("user_preferences", "language", "NULL"),
        new("user_preferences", "timezone", "NULL"),
        new("user_preferences", "email_notifications", "NULL"),
        new("user_preferences", "push_notifications", "NULL"),
        new("user_preferences", "weekly_reports", "NULL"),
        new("user_preferences", "marketing_emails", "NULL"),
        new("user_preferences", "created", "NULL"),
        new("user_preferences", "updated", "NULL"),
        new("tenant_config", "billing_address", "'{\"line1\": 5, \"city\": \"Paris\", \"country\": \"FR\"}'"),
        new("tenant_config", "billing_address", "'[]'"),
        new("tenant_config", "billing_address", "'\"1 Rue de Rivoli\"'"),
        new("tenant_config", "billing_address", "'null'"),
        new("tenant_config", "billing_address", "'{\"city\": \"Paris\", \"country\": \"FR\"}'"),
        new("tenant_config", "billing_address", "'{\"line1\": \"a\", \"city\": \"b\", \"country\": \"FR\", \"planet\": \"Mars\"}'"),
        new("tenant_config", "notify_on_billing_changes", "NULL"),
        new("tenant_config", "notify_on_system_updates", "NULL"),
        new("tenant_config", "notify_on_security_alerts", "NULL"),
        new("tenant_config", "ui_sidebar_default_collapsed", "NULL"),
        new("tenant_config", "created", "NULL"),
        new("tenant_config", "updated", "NULL"),
        new("tenant_policies", "password_min_length", "NULL"),
        new("tenant_policies", "password_require_uppercase", "NULL"),
        new("tenant_policies", "password_require_numbers", "NULL"),
        new("tenant_policies", "password_require_symbols", "NULL"),
        new("tenant_policies", "session_timeout_hours", "NULL"),
        new("tenant_policies", "max_login_attempts", "NULL"),
        new("tenant_policies", "two_factor_required", "NULL"),
        new("tenant_policies", "company_default_status", "NULL"),
        new("tenant_policies", "company_allow_member_invites", "NULL"),
        new("tenant_policies", "company_auto_approve_members", "NULL"),
        new("tenant_policies", "company_require_email_verification", "NULL"),
        new("tenant_policies", "created", "NULL"),
        new("tenant_policies", "updated", "NULL"),
    ];

    /// <summary>Nullable seed columns the entity also treats as optional (NULL reads as null), or reads by design.</summary>
    internal static readonly IReadOnlyDictionary<string, string> NullableInEntity = new Dictionary<string, string>
    {
        ["vps_instances.hostwinds_instance_id"] = "optional",
        ["vps_instances.ip_address"] = "optional",
        ["vps_instances.region"] = "optional",
        ["vps_instances.monthly_cost"] = "optional",
        ["vps_instances.approximate_cost"] = "optional",
        ["vps_instances.hostwinds_billing_day"] = "optional",
        ["vps_instances.current_billing_period_start"] = "optional",
        ["vps_instances.current_billing_period_end"] = "optional",
        ["vps_instances.decommission_scheduled_for"] = "optional",
        ["smtp_ip_addresses.vps_instance_id"] = "optional (the seed allows an IP without a VPS)",
        ["smtp_ip_addresses.reputation_state"] = "optional",
        ["smtp_ip_addresses.approximate_cost"] = "optional",
        ["smtp_ip_addresses.last_reputation_check"] = "optional",
        ["smtp_ip_addresses.provider_blacklist_status"] = "optional (SQL NULL is 'never checked')",
        ["domain_ip_assignments.domain_id"] = "nullable in the entity (required on write); a row left by ON DELETE SET NULL-like writers reads",
        ["domain_ip_assignments.smtp_ip_address_id"] = "nullable in the entity (required on write)",
        ["domain_ip_assignments.expires"] = "optional",
        ["domain_ip_assignments.warmup_state"] = "KNOWN LIMIT, documented: NULL reads as unwarmed (the seed column has no DEFAULT)",
        ["domain_ip_assignments.last_sent"] = "optional",
        ["staff_members.role_id"] = "optional (a staff member without a role)",
        ["staff_members.notes"] = "optional",
        ["staff_roles.description"] = "optional",
        ["permissions.description"] = "optional",
        ["staff_role_permissions.created"] = "not read by any path",
        ["system_config.value"] = "SQL NULL is a distinct, readable value",
        ["system_config.description"] = "optional",
        ["system_config.category"] = "optional",
        ["system_config.updated_by"] = "optional",
        ["feature_flags.description"] = "optional",
        ["feature_flags.updated_by"] = "optional",
        ["tenant_config.stripe_customer_id"] = "optional",
        ["tenant_config.billing_email"] = "optional",
        ["tenant_config.billing_address"] = "optional",
        ["tenant_config.theme_primary_color"] = "optional",
        ["tenant_config.theme_logo_url"] = "optional",
        ["tenant_config.theme_favicon_url"] = "optional",
        ["tenant_config.ui_date_format"] = "optional",
        ["tenant_config.ui_timezone"] = "optional",
    };

    public static TheoryData<string> PlantNames => [.. Plants.Select(p => p.ToString())];

    [Theory]
    [MemberData(nameof(PlantNames))]
    public async Task EveryReadPath_PlantedValue_ThrowsUnknownDatabaseValueNamingTableColumnAndRow(string plantName)
    {
        var plant = Plants.Single(p => p.ToString() == plantName);
        var row = await NewRowAsync(plant.Table);
        await PlantAsync(plant, row);
        try
        {
            var failures = new List<string>();
            var paths = 0;
            foreach (var (path, read) in row.Reads)
            {
                if (
                    (row.LooksUpBy.TryGetValue(path, out var by) && by == plant.Column)
                    || (row.NotReadBy.TryGetValue(path, out var written) && written.Contains(plant.Column))
                )
                {
                    // The planted column is the look-up key (the row is simply not found by it), or the path writes it
                    // before reading it back.
                    continue;
                }

                paths++;
                try
                {
                    await read();
                    failures.Add($"{path}: read without an error (a silent value)");
                }
                catch (UnknownDatabaseValueException ex)
                {
                    if ((ex.Table, ex.Column, ex.RowKey) != (plant.Table, plant.Column, row.Key))
                    {
                        failures.Add($"{path}: named {ex.Table}.{ex.Column} row {ex.RowKey ?? "<none>"}");
                    }
                }
                catch (Exception ex)
                {
                    failures.Add($"{path}: untyped {ex.GetType().Name}: {ex.Message}");
                }
            }

            output.WriteLine($"{plant}: {paths} read paths");
            Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        }
        finally
        {
            if (row.CleanupFirst is { } cleanup)
            {
                await ExecuteAsync(cleanup, row.KeyValue);
            }

            await ExecuteAsync($"DELETE FROM {plant.Table} WHERE {row.KeyColumn} = $1", row.KeyValue);
        }
    }

    [Fact]
    public void Plants_EveryNullableColumnTheEntityRequires_HasANullCase()
    {
        var seed = SeedReader.Read(RepositoryLayout.SeedFile);
        var nullCases = Plants.Where(p => p.Sql == "NULL").Select(p => $"{p.Table}.{p.Column}").ToHashSet(StringComparer.Ordinal);
        var missing = seed
            .SelectMany(t => t.Columns.Where(c => !c.NotNull && !t.PrimaryKey.Contains(c.Name)).Select(c => $"{t.Name}.{c.Name}"))
            .Where(c => !c.StartsWith("staff_role_permissions.role_id", StringComparison.Ordinal) && !c.StartsWith("staff_role_permissions.permission_id", StringComparison.Ordinal))
            .Where(c => !nullCases.Contains(c) && !NullableInEntity.ContainsKey(c))
            .ToList();

        Assert.Empty(missing);
        Assert.Empty(nullCases.Intersect(NullableInEntity.Keys));
    }

    [Fact]
    public async Task DomainIpAssignment_NullWarmupState_IsTheDocumentedExceptionOnEveryReadPath()
    {
        var row = await NewRowAsync("domain_ip_assignments");
        await PlantAsync(new Plant("domain_ip_assignments", "warmup_state", "NULL"), row);

        var read = await Store.DomainIpAssignments.GetAsync(new DomainIpAssignmentId((Guid)row.KeyValue));
        var listed = (await Store.DomainIpAssignments.ListAsync()).Items.Single(a => a.Id.Value == (Guid)row.KeyValue);

        Assert.Equal(WarmupState.Unwarmed, read!.WarmupState);
        Assert.Equal(WarmupState.Unwarmed, listed.WarmupState);
        await ExecuteAsync("DELETE FROM domain_ip_assignments WHERE id = $1", row.KeyValue);
    }

    [Fact]
    public async Task SystemConfigService_ValueOfTheWrongShape_ThrowsFormatErrorNamingKeyNotValue()
    {
        var key = "planted.stripe" + Guid.NewGuid().ToString("N")[..8];
        await Store.SystemConfigs.AddAsync(SystemConfigEntry.Create(key, new { id = "acct_secret_shape_1234" }, isSensitive: true));
        var service = new SystemConfigService(
            Store.SystemConfigs,
            new AllowListPermissionChecker((Reader, WellKnownPermissions.SystemConfigRead), (Reader, WellKnownPermissions.SystemConfigReadSensitive))
        );

        var ex = await Assert.ThrowsAsync<ConfigValueFormatException>(() => service.GetValueAsync<int>(Reader, key));

        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("acct_secret_shape_1234", ex.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A planted row: its key, and every read path (with the column a path looks the row up by, if any).</summary>
    private sealed record Row(string KeyColumn, object KeyValue, string Key, IReadOnlyList<(string Path, Func<Task> Read)> Reads)
    {
        public Dictionary<string, string> LooksUpBy { get; init; } = [];

        /// <summary>Columns a path does not read: it projects other columns, or writes them before reading them back (RETURNING).</summary>
        public Dictionary<string, string[]> NotReadBy { get; init; } = [];

        /// <summary>Rows to delete before the planted row (foreign keys to it).</summary>
        public string? CleanupFirst { get; init; }
    }

    private async Task PlantAsync(Plant plant, Row row)
    {
        var cast = plant.Column is "provider_blacklist_status" or "billing_address" && plant.Sql != "NULL" ? "::jsonb" : "";
        await ExecuteAsync($"UPDATE {plant.Table} SET {plant.Column} = {plant.Sql}{cast} WHERE {row.KeyColumn} = $1", row.KeyValue);
    }

    private async Task ExecuteAsync(string sql, object value)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        await command.ExecuteNonQueryAsync();
    }

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    private static int s_nextId = 800_000;

    private async Task<Row> NewRowAsync(string table)
    {
        var s = Store;
        switch (table)
        {
            case "vps_instances":
            {
                var hw = Unique("hw-");
                var v = await s.VpsInstances.AddAsync(new VpsInstance { HostwindsInstanceId = hw, Region = "eu" });
                return new Row("id", v.Id.Value, v.Id.Value.ToString("D"),
                [
                    ("GetAsync", () => s.VpsInstances.GetAsync(v.Id)),
                    ("GetByHostwindsInstanceIdAsync", () => s.VpsInstances.GetByHostwindsInstanceIdAsync(hw)),
                    ("ListAsync", () => s.VpsInstances.ListAsync()),
                    ("ListAsync(region)", () => s.VpsInstances.ListAsync(new VpsInstanceFilter(Region: "eu"))),
                ]);
            }

            case "smtp_ip_addresses":
            {
                var vps = await s.VpsInstances.AddAsync(new VpsInstance { HostwindsInstanceId = Unique("hw-") });
                var ip = await s.SmtpIpAddresses.AddAsync(new SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = "192.0.2.44" });
                return new Row("id", ip.Id.Value, ip.Id.Value.ToString("D"),
                [
                    ("GetAsync", () => s.SmtpIpAddresses.GetAsync(ip.Id)),
                    ("GetByAddressAsync", () => s.SmtpIpAddresses.GetByAddressAsync(vps.Id, "192.0.2.44")),
                    ("ListAsync", () => s.SmtpIpAddresses.ListAsync()),
                    ("ListAsync(vps)", () => s.SmtpIpAddresses.ListAsync(new SmtpIpAddressFilter(VpsInstanceId: vps.Id))),
                    ("AdjustAssignedCountAsync (RETURNING)", () => s.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, 0)),
                ])
                {
                    LooksUpBy = new Dictionary<string, string> { ["GetByAddressAsync"] = "ip_address" },
                    // Documented: adjusting a NULL count starts from the column default 0, and the write sets updated.
                    NotReadBy = new Dictionary<string, string[]> { ["AdjustAssignedCountAsync (RETURNING)"] = ["assigned_count", "updated"] },
                };
            }

            case "domain_ip_assignments":
            {
                var vps = await s.VpsInstances.AddAsync(new VpsInstance { HostwindsInstanceId = Unique("hw-") });
                var ip = await s.SmtpIpAddresses.AddAsync(new SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = "192.0.2.45" });
                var domain = DomainId.New();
                await s.AddDomainAsync(domain);
                var a = await s.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id });
                return new Row("id", a.Id.Value, a.Id.Value.ToString("D"),
                [
                    ("GetAsync", () => s.DomainIpAssignments.GetAsync(a.Id)),
                    ("ListAsync", () => s.DomainIpAssignments.ListAsync()),
                    ("ListAsync(domain)", () => s.DomainIpAssignments.ListAsync(new DomainIpAssignmentFilter(DomainId: domain))),
                ]);
            }

            case "staff_members":
            {
                var user = UserId.New();
                await s.AddUserAsync(user);
                await s.StaffMembers.AddAsync(new StaffMember { UserId = user });
                return new Row("user_id", user.Value, user.Value.ToString("D"),
                [
                    ("GetAsync", () => s.StaffMembers.GetAsync(user)),
                    ("ListAsync", () => s.StaffMembers.ListAsync()),
                ]);
            }

            case "staff_roles":
            {
                var id = new StaffRoleId(Interlocked.Increment(ref s_nextId));
                var name = Unique("role-");
                await s.StaffRoles.AddAsync(new StaffRole { Id = id, Name = name });
                return new Row("id", id.Value, id.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [
                    ("GetAsync", () => s.StaffRoles.GetAsync(id)),
                    ("GetByNameAsync", () => s.StaffRoles.GetByNameAsync(name)),
                    ("ListAsync", () => s.StaffRoles.ListAsync()),
                ])
                {
                    LooksUpBy = new Dictionary<string, string> { ["GetByNameAsync"] = "name" },
                };
            }

            case "permissions":
            {
                var id = new PermissionId(Interlocked.Increment(ref s_nextId));
                var name = $"planted.p{id.Value}";
                await s.Permissions.AddAsync(new Permission { Id = id, Name = name, Category = "planted" });
                var role = new StaffRoleId(Interlocked.Increment(ref s_nextId));
                await s.StaffRoles.AddAsync(new StaffRole { Id = role, Name = Unique("holder-") });
                await s.StaffRoles.GrantAsync(role, id);
                var user = UserId.New();
                await s.AddUserAsync(user);
                await s.StaffMembers.AddAsync(new StaffMember { UserId = user, RoleId = role });
                return new Row("id", id.Value, id.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [
                    ("GetAsync", () => s.Permissions.GetAsync(id)),
                    ("GetByNameAsync", () => s.Permissions.GetByNameAsync(name)),
                    ("ListAsync", () => s.Permissions.ListAsync()),
                    ("IStaffRoleRepository.ListPermissionsAsync", () => s.StaffRoles.ListPermissionsAsync(role)),
                    ("IStaffMemberRepository.GetPermissionNamesAsync", () => s.StaffMembers.GetPermissionNamesAsync(user)),
                ])
                {
                    LooksUpBy = new Dictionary<string, string> { ["GetByNameAsync"] = "name" },
                    CleanupFirst = "DELETE FROM staff_role_permissions WHERE permission_id = $1",
                    NotReadBy = new Dictionary<string, string[]> { ["IStaffMemberRepository.GetPermissionNamesAsync"] = ["category", "created"] },
                };
            }

            case "system_config":
            {
                var key = Unique("planted.k");
                await s.SystemConfigs.AddAsync(SystemConfigEntry.Create(key, "v", category: "planted"));
                var service = new SystemConfigService(
                    s.SystemConfigs,
                    new AllowListPermissionChecker((Reader, WellKnownPermissions.SystemConfigRead), (Reader, WellKnownPermissions.SystemConfigReadSensitive))
                );
                return new Row("key", key, key,
                [
                    ("GetAsync", () => s.SystemConfigs.GetAsync(key)),
                    ("ListAsync", () => s.SystemConfigs.ListAsync()),
                    ("ListAsync(filter)", () => s.SystemConfigs.ListAsync(new SystemConfigFilter("planted"))),
                    ("ISystemConfigService.GetEntryAsync", () => service.GetEntryAsync(Reader, key)),
                    ("ISystemConfigService.GetValueAsync", () => service.GetValueAsync<string>(Reader, key)),
                ]);
            }

            case "feature_flags":
            {
                var key = Unique("planted-");
                var flag = await s.FeatureFlags.AddAsync(new FeatureFlag { Key = key });
                return new Row("id", flag.Id.Value, flag.Id.Value.ToString("D"),
                [
                    ("GetAsync", () => s.FeatureFlags.GetAsync(flag.Id)),
                    ("ListAsync", () => s.FeatureFlags.ListAsync()),
                    ("GetByKeyAsync", () => s.FeatureFlags.GetByKeyAsync(key)),
                    ("ListAllAsync (the snapshot's read)", () => s.FeatureFlags.ListAllAsync()),
                ])
                {
                    LooksUpBy = new Dictionary<string, string> { ["GetByKeyAsync"] = "key" },
                };
            }

            case "user_preferences":
            {
                var user = UserId.New();
                await s.AddUserAsync(user);
                var p = await s.UserPreferences.AddAsync(Core.Preferences.UserPreferences.Default(user));
                var service = new UserPreferencesService(s.UserPreferences);
                return new Row("id", p.Id.Value, p.Id.Value.ToString("D"),
                [
                    ("GetAsync", () => s.UserPreferences.GetAsync(p.Id)),
                    ("GetByUserIdAsync", () => s.UserPreferences.GetByUserIdAsync(user)),
                    ("IUserPreferencesService.GetAsync", () => service.GetAsync(user)),
                ])
                {
                    LooksUpBy = new Dictionary<string, string> { ["GetByUserIdAsync"] = "user_id", ["IUserPreferencesService.GetAsync"] = "user_id" },
                };
            }

            case "tenant_config":
            {
                var tenant = TenantId.New();
                await s.AddTenantAsync(tenant);
                await s.TenantConfigs.AddAsync(TenantConfig.Default(tenant) with { BillingAddress = new BillingAddress { Line1 = "1 Rue", City = "Paris", Country = "FR" } });
                return new Row("tenant_id", tenant.Value, tenant.Value.ToString("D"),
                [
                    ("GetAsync", () => s.TenantConfigs.GetAsync(tenant)),
                    ("ListAsync", () => s.TenantConfigs.ListAsync()),
                ]);
            }

            case "tenant_policies":
            {
                var tenant = TenantId.New();
                await s.AddTenantAsync(tenant);
                await s.TenantPolicies.AddAsync(Core.Tenants.TenantPolicies.Default(tenant));
                return new Row("tenant_id", tenant.Value, tenant.Value.ToString("D"),
                [
                    ("GetAsync", () => s.TenantPolicies.GetAsync(tenant)),
                    ("ListAsync", () => s.TenantPolicies.ListAsync()),
                ]);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(table), table, "no row builder");
        }
    }
}
