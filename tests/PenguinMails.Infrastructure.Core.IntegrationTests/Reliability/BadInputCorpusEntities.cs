using System.Text.Json;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Preferences;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.SystemConfig;
using PenguinMails.Infrastructure.Core.Tenants;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Reliability;

/// <summary>
/// The corpus, entity by entity: every string field of every entity (cross-checked against the seed's columns by
/// <see cref="BadInputCorpusCoverageTests"/>) and the number, id, time, enum and JSON cases.
/// </summary>
internal static class BadInputCorpusEntities
{
    private static int s_nextId = 700_000;

    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset NonUtc = new(2026, 3, 1, 14, 0, 0, TimeSpan.FromHours(2));

    /// <summary>Time values that must be rejected by a <c>Utc</c> rule, with the rule each must produce.</summary>
    private static readonly (string Name, DateTimeOffset Value, string Rule)[] BadTimes =
    [
        ("non-UTC offset +02:00", NonUtc, "utc"),
        ("non-UTC offset -05:30", new DateTimeOffset(2026, 3, 1, 6, 30, 0, new TimeSpan(-5, -30, 0)), "utc"),
        ("default", default, "timestamp"),
        ("MinValue", DateTimeOffset.MinValue, "timestamp"),
        ("MaxValue", DateTimeOffset.MaxValue, "timestamp"),
    ];

    public static IReadOnlyDictionary<string, ICorpusEntity> All { get; } = new ICorpusEntity[]
    {
        VpsCorpus(),
        SmtpIpsCorpus(),
        AssignmentsCorpus(),
        StaffMembersCorpus(),
        StaffRolesCorpus(),
        PermissionsCorpus(),
        SystemConfigCorpus(),
        FeatureFlagsCorpus(),
        UserPreferencesCorpus(),
        TenantConfigsCorpus(),
        TenantPoliciesCorpus(),
    }.ToDictionary(e => e.Table);

    /// <summary>
    /// Seed columns no case writes through the entity, with the reason; together with the covered columns this is
    /// every column of every table (the coverage test holds both against the seed).
    /// </summary>
    public static IReadOnlyDictionary<string, string> NotWritten { get; } = new Dictionary<string, string>
    {
        ["vps_instances.created"] = "set by the store",
        ["vps_instances.updated"] = "set by the store",
        ["domain_ip_assignments.updated"] = "set by the store (only checked as UTC when given, like created)",
        ["smtp_ip_addresses.updated"] = "set by the store (only checked as UTC when given, like created)",
        ["staff_members.created"] = "set by the store",
        ["staff_members.updated"] = "set by the store",
        ["staff_roles.created"] = "set by the store",
        ["permissions.created"] = "set by the store",
        ["staff_role_permissions.role_id"] = "written by GrantAsync from typed ids; planted rows are read-checked",
        ["staff_role_permissions.permission_id"] = "written by GrantAsync from typed ids; planted rows are read-checked",
        ["staff_role_permissions.created"] = "set by the store",
        ["system_config.is_sensitive"] = "BOOLEAN: no invalid value exists in C#",
        ["system_config.updated"] = "set by the store",
        ["feature_flags.is_enabled"] = "BOOLEAN: no invalid value exists in C#",
        ["feature_flags.updated"] = "set by the store",
        ["user_preferences.email_notifications"] = "BOOLEAN",
        ["user_preferences.push_notifications"] = "BOOLEAN",
        ["user_preferences.weekly_reports"] = "BOOLEAN",
        ["user_preferences.marketing_emails"] = "BOOLEAN",
        ["user_preferences.created"] = "set by the store",
        ["user_preferences.updated"] = "set by the store",
        ["tenant_config.notify_on_billing_changes"] = "BOOLEAN",
        ["tenant_config.notify_on_system_updates"] = "BOOLEAN",
        ["tenant_config.notify_on_security_alerts"] = "BOOLEAN",
        ["tenant_config.ui_sidebar_default_collapsed"] = "BOOLEAN",
        ["tenant_config.created"] = "set by the store",
        ["tenant_config.updated"] = "set by the store",
        ["tenant_policies.password_require_uppercase"] = "BOOLEAN",
        ["tenant_policies.password_require_numbers"] = "BOOLEAN",
        ["tenant_policies.password_require_symbols"] = "BOOLEAN",
        ["tenant_policies.two_factor_required"] = "BOOLEAN",
        ["tenant_policies.company_allow_member_invites"] = "BOOLEAN",
        ["tenant_policies.company_auto_approve_members"] = "BOOLEAN",
        ["tenant_policies.company_require_email_verification"] = "BOOLEAN",
        ["tenant_policies.created"] = "set by the store",
        ["tenant_policies.updated"] = "set by the store",
    };

    private static int NextId() => Interlocked.Increment(ref s_nextId);

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..16];

    private static ValueCase<T> Reject<T>(string column, string name, Func<T, T> mutate, string rule, bool isKey = false) =>
        new(column, name, mutate, Expectation.Rejected(rule), _ => null, isKey);

    private static ValueCase<T> Store<T>(string column, string name, Func<T, T> mutate, Func<T, object?> probe) =>
        new(column, name, mutate, Expectation.Stored, probe);

    private static IEnumerable<ValueCase<T>> Times<T>(string column, Func<T, DateTimeOffset, T> set, bool storeFilled = false) =>
        BadTimes
            .Where(t => !(storeFilled && t.Value == default))
            .Select(t => Reject(column, t.Name, (T e) => set(e, t.Value), t.Rule));

    private static IEnumerable<ValueCase<T>> Decimals<T>(
        string column,
        int precision,
        int scale,
        Func<T, decimal?, T> set,
        Func<T, decimal?> get
    )
    {
        var limit = 1m;
        for (var i = 0; i < precision - scale; i++)
        {
            limit *= 10m;
        }

        var step = 1m;
        for (var i = 0; i < scale; i++)
        {
            step /= 10m;
        }

        yield return Store<T>(column, $"largest DECIMAL({precision},{scale})", e => set(e, limit - step), e => get(e));
        yield return Store<T>(column, "zero", e => set(e, 0m), e => get(e));
        yield return Reject(column, "one past the precision", (T e) => set(e, limit), "precision");
        yield return Reject(column, "decimal.MaxValue", (T e) => set(e, decimal.MaxValue), "precision");
        yield return Reject(column, "one digit past the scale", (T e) => set(e, step / 10m), "scale");
        yield return Reject(column, "28 decimal places", (T e) => set(e, 0.1234567890123456789012345678m), "scale");
        yield return Reject(column, "negative", (T e) => set(e, -step), "non_negative");
    }

    private static IEnumerable<ValueCase<T>> IntRange<T>(string column, int min, int max, Func<T, int, T> set, Func<T, int> get, string rule = "range")
    {
        yield return Store<T>(column, $"minimum {min}", e => set(e, min), e => get(e));
        yield return Store<T>(column, $"maximum {max}", e => set(e, max), e => get(e));
        yield return Reject(column, $"one below ({min - 1})", (T e) => set(e, min - 1), rule);
        yield return Reject(column, $"one above ({max + 1})", (T e) => set(e, max + 1), rule);
        yield return Reject(column, "int.MinValue", (T e) => set(e, int.MinValue), rule);
        yield return Reject(column, "int.MaxValue", (T e) => set(e, int.MaxValue), rule);
    }

    private static CorpusEntity<VpsInstance> VpsCorpus() => new CorpusEntity<VpsInstance>
    {
        Table = VpsInstance.TableName,
        NewAsync = _ => Task.FromResult(NewVps()),
        AddAsync = (s, e) => s.VpsInstances.AddAsync(e),
        UpdateAsync = (s, _, c) => s.VpsInstances.UpdateAsync(c),
        GetAsync = (s, e) => s.VpsInstances.GetAsync(e.Id),
        DeleteAsync = (s, e) => s.VpsInstances.DeleteAsync(e.Id),
        CountAsync = s => s.VpsInstances.CountAsync(),
        Strings =
        [
            new("hostwinds_instance_id", "hostwinds_instance_id", "hostwinds_instance_id", 255, false, true, true, (e, v) => e with { HostwindsInstanceId = v }, e => e.HostwindsInstanceId),
            new("ip_address", "ip_address", "ip_address", 45, false, true, false, (e, v) => e with { IpAddress = v }, e => e.IpAddress, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            new("region", "region", "region", 50, false, true, true, (e, v) => e with { Region = v }, e => e.Region),
        ],
        Values =
        [
            Reject("id", "empty UUID", (VpsInstance e) => e with { Id = new VpsInstanceId(Guid.Empty) }, "not_empty", isKey: true),
            Reject("status", "undefined enum value", (VpsInstance e) => e with { Status = (VpsInstanceStatus)99 }, "one_of"),
            .. Decimals<VpsInstance>("monthly_cost", 10, 2, (e, v) => e with { MonthlyCost = v }, e => e.MonthlyCost),
            .. Decimals<VpsInstance>("approximate_cost", 8, 2, (e, v) => e with { ApproximateCost = v }, e => e.ApproximateCost),
            .. IntRange<VpsInstance>("hostwinds_billing_day", 1, 31, (e, v) => e with { HostwindsBillingDay = v }, e => e.HostwindsBillingDay ?? 0),
            .. Times<VpsInstance>("current_billing_period_start", (e, v) => e with { CurrentBillingPeriodStart = v }),
            .. Times<VpsInstance>("current_billing_period_end", (e, v) => e with { CurrentBillingPeriodEnd = v }),
            .. Times<VpsInstance>("decommission_scheduled_for", (e, v) => e with { DecommissionScheduledFor = v }),
            Reject("current_billing_period_end", "end before start", (VpsInstance e) => e with { CurrentBillingPeriodStart = T0, CurrentBillingPeriodEnd = T0.AddDays(-1) }, "after_start"),
            Store<VpsInstance>("current_billing_period_start", "UTC whole seconds", e => e with { CurrentBillingPeriodStart = T0 }, e => e.CurrentBillingPeriodStart),
        ],
    };

    private static VpsInstance NewVps() =>
        new()
        {
            HostwindsInstanceId = Unique("hw-"),
            IpAddress = "198.51.100.7",
            Region = "eu-west",
            MonthlyCost = 49.99m,
            ApproximateCost = 12.5m,
            HostwindsBillingDay = 15,
        };

    private static async Task<SmtpIpAddress> NewIpAsync(IContractStore s)
    {
        var vps = await s.VpsInstances.AddAsync(NewVps());
        return new SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = "192.0.2.10", ApproximateCost = 3.5m };
    }

    private static ProviderBlacklistStatus Listing(string? key, string? detail) =>
        ProviderBlacklistStatus.Empty.WithMailboxProvider(key!, new BlacklistListing(false, T0, detail));

    private static CorpusEntity<SmtpIpAddress> SmtpIpsCorpus() => new CorpusEntity<SmtpIpAddress>
    {
        Table = SmtpIpAddress.TableName,
        NewAsync = NewIpAsync,
        AddAsync = (s, e) => s.SmtpIpAddresses.AddAsync(e),
        UpdateAsync = (s, _, c) => s.SmtpIpAddresses.UpdateAsync(c),
        GetAsync = (s, e) => s.SmtpIpAddresses.GetAsync(e.Id),
        DeleteAsync = (s, e) => s.SmtpIpAddresses.DeleteAsync(e.Id),
        CountAsync = s => s.SmtpIpAddresses.CountAsync(),
        Strings =
        [
            new("ip_address", "ip_address", "ip_address", 45, true, true, false, (e, v) => e with { IpAddress = v! }, e => e.IpAddress, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            new(
                "provider_blacklist_status",
                "provider_blacklist_status.mailbox_providers key",
                "provider_blacklist_status",
                ProviderBlacklistStatus.MaxKeyLength,
                true,
                true,
                true,
                (e, v) => v is null ? e with { ProviderBlacklistStatus = null } : e with { ProviderBlacklistStatus = Listing(v, null) },
                e => e.ProviderBlacklistStatus?.MailboxProviders.Keys.SingleOrDefault(),
                Override: v => v is null ? Expectation.Stored : null // null here means no status at all
            ),
            new(
                "provider_blacklist_status",
                "provider_blacklist_status.mailbox_providers.*.detail",
                "provider_blacklist_status",
                BlacklistListing.MaxDetailLength,
                false,
                false,
                true,
                (e, v) => e with { ProviderBlacklistStatus = Listing("gmail", v) },
                e => e.ProviderBlacklistStatus?.MailboxProviders.Values.SingleOrDefault()?.Detail
            ),
        ],
        Values =
        [
            Reject("id", "empty UUID", (SmtpIpAddress e) => e with { Id = new SmtpIpAddressId(Guid.Empty) }, "not_empty", isKey: true),
            Reject("vps_instance_id", "empty UUID", (SmtpIpAddress e) => e with { VpsInstanceId = new VpsInstanceId(Guid.Empty) }, "not_empty"),
            Reject("status", "undefined enum value", (SmtpIpAddress e) => e with { Status = (SmtpIpAddressStatus)99 }, "one_of"),
            Reject("reputation_state", "undefined enum value", (SmtpIpAddress e) => e with { ReputationState = (ReputationState)(-1) }, "one_of"),
            .. Decimals<SmtpIpAddress>("approximate_cost", 6, 2, (e, v) => e with { ApproximateCost = v }, e => e.ApproximateCost),
            Reject("assigned_count", "negative", (SmtpIpAddress e) => e with { AssignedCount = -1 }, "non_negative"),
            Reject("assigned_count", "int.MinValue", (SmtpIpAddress e) => e with { AssignedCount = int.MinValue }, "non_negative"),
            .. Times<SmtpIpAddress>("last_reputation_check", (e, v) => e with { LastReputationCheck = v }),
            .. Times<SmtpIpAddress>("created", (e, v) => e with { Created = v }, storeFilled: true),
            Reject("provider_blacklist_status", "checked_at non-UTC", (SmtpIpAddress e) => e with { ProviderBlacklistStatus = ProviderBlacklistStatus.Empty.WithBlacklist("spamhaus", new BlacklistListing(true, NonUtc)) }, "utc"),
            Reject("provider_blacklist_status", "checked_at default", (SmtpIpAddress e) => e with { ProviderBlacklistStatus = ProviderBlacklistStatus.Empty.WithBlacklist("spamhaus", new BlacklistListing(true, default(DateTimeOffset))) }, "timestamp"),
        ],
    };

    private static CorpusEntity<DomainIpAssignment> AssignmentsCorpus() => new CorpusEntity<DomainIpAssignment>
    {
        Table = DomainIpAssignment.TableName,
        NewAsync = async s =>
        {
            var ip = await s.SmtpIpAddresses.AddAsync(await NewIpAsync(s));
            var domain = DomainId.New();
            await s.AddDomainAsync(domain);
            return new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id };
        },
        AddAsync = (s, e) => s.DomainIpAssignments.AddAsync(e),
        UpdateAsync = (s, _, c) => s.DomainIpAssignments.UpdateAsync(c),
        GetAsync = (s, e) => s.DomainIpAssignments.GetAsync(e.Id),
        DeleteAsync = (s, e) => s.DomainIpAssignments.DeleteAsync(e.Id),
        CountAsync = s => s.DomainIpAssignments.CountAsync(),
        Values =
        [
            Reject("id", "empty UUID", (DomainIpAssignment e) => e with { Id = new DomainIpAssignmentId(Guid.Empty) }, "not_empty", isKey: true),
            Reject("domain_id", "empty UUID", (DomainIpAssignment e) => e with { DomainId = new DomainId(Guid.Empty) }, "not_empty"),
            Reject("domain_id", "missing", (DomainIpAssignment e) => e with { DomainId = null }, "required"),
            Reject("smtp_ip_address_id", "empty UUID", (DomainIpAssignment e) => e with { SmtpIpAddressId = new SmtpIpAddressId(Guid.Empty) }, "not_empty"),
            Reject("smtp_ip_address_id", "missing", (DomainIpAssignment e) => e with { SmtpIpAddressId = null }, "required"),
            Reject("status", "undefined enum value", (DomainIpAssignment e) => e with { Status = (DomainIpAssignmentStatus)99 }, "one_of"),
            Reject("warmup_state", "undefined enum value", (DomainIpAssignment e) => e with { WarmupState = (WarmupState)99 }, "one_of"),
            .. Times<DomainIpAssignment>("assigned", (e, v) => e with { Assigned = v }, storeFilled: true),
            .. Times<DomainIpAssignment>("expires", (e, v) => e with { Expires = v }),
            .. Times<DomainIpAssignment>("last_sent", (e, v) => e with { LastSent = v }),
            .. Times<DomainIpAssignment>("created", (e, v) => e with { Created = v }, storeFilled: true),
            Store<DomainIpAssignment>("expires", "UTC whole seconds", e => e with { Expires = T0.AddYears(1) }, e => e.Expires),
        ],
    };

    private static CorpusEntity<StaffMember> StaffMembersCorpus() => new CorpusEntity<StaffMember>
    {
        Table = StaffMember.TableName,
        NewAsync = async s =>
        {
            var user = UserId.New();
            await s.AddUserAsync(user);
            return new StaffMember { UserId = user, Notes = "On call." };
        },
        AddAsync = (s, e) => s.StaffMembers.AddAsync(e),
        UpdateAsync = (s, _, c) => s.StaffMembers.UpdateAsync(c),
        GetAsync = (s, e) => s.StaffMembers.GetAsync(e.UserId),
        DeleteAsync = (s, e) => s.StaffMembers.DeleteAsync(e.UserId),
        CountAsync = s => s.StaffMembers.CountAsync(),
        Strings = [new("notes", "notes", "notes", null, false, false, true, (e, v) => e with { Notes = v }, e => e.Notes)],
        Values =
        [
            Reject("user_id", "empty UUID", (StaffMember e) => e with { UserId = new UserId(Guid.Empty) }, "not_empty", isKey: true),
            Reject("role_id", "zero", (StaffMember e) => e with { RoleId = new StaffRoleId(0) }, "positive"),
            Reject("role_id", "int.MinValue", (StaffMember e) => e with { RoleId = new StaffRoleId(int.MinValue) }, "positive"),
        ],
    };

    private static CorpusEntity<StaffRole> StaffRolesCorpus() => new CorpusEntity<StaffRole>
    {
        Table = StaffRole.TableName,
        NewAsync = _ => Task.FromResult(new StaffRole { Id = new StaffRoleId(NextId()), Name = Unique("role-"), Description = "Operates." }),
        AddAsync = (s, e) => s.StaffRoles.AddAsync(e),
        UpdateAsync = (s, current, changed) => s.StaffRoles.UpdateAsync(current, changed),
        GetAsync = (s, e) => s.StaffRoles.GetAsync(e.Id),
        DeleteAsync = (s, e) => s.StaffRoles.DeleteAsync(e.Id),
        CountAsync = s => s.StaffRoles.CountAsync(),
        Strings =
        [
            new("name", "name", "name", 50, true, true, true, (e, v) => e with { Name = v! }, e => e.Name),
            new("description", "description", "description", null, false, false, true, (e, v) => e with { Description = v }, e => e.Description),
        ],
        Values =
        [
            Reject("id", "zero", (StaffRole e) => e with { Id = new StaffRoleId(0) }, "positive", isKey: true),
            Reject("id", "negative", (StaffRole e) => e with { Id = new StaffRoleId(-7) }, "positive", isKey: true),
        ],
    };

    private static CorpusEntity<Permission> PermissionsCorpus() => new CorpusEntity<Permission>
    {
        Table = Permission.TableName,
        NewAsync = _ =>
        {
            var id = NextId();
            return Task.FromResult(new Permission { Id = new PermissionId(id), Name = $"corpus.p{id}", Category = "corpus" });
        },
        AddAsync = (s, e) => s.Permissions.AddAsync(e),
        UpdateAsync = (s, current, changed) => s.Permissions.UpdateAsync(current, changed),
        GetAsync = (s, e) => s.Permissions.GetAsync(e.Id),
        DeleteAsync = (s, e) => s.Permissions.DeleteAsync(e.Id),
        CountAsync = s => s.Permissions.CountAsync(),
        Strings =
        [
            new("name", "name", "name", 100, true, true, false, (e, v) => e with { Name = v! }, e => e.Name, "p" + new string('a', 48) + "." + new string('b', 50)),
            new("description", "description", "description", null, false, false, true, (e, v) => e with { Description = v }, e => e.Description),
            new("category", "category", "category", 50, true, true, true, (e, v) => e with { Category = v! }, e => e.Category),
        ],
        Values =
        [
            Reject("id", "zero", (Permission e) => e with { Id = new PermissionId(0) }, "positive", isKey: true),
            Reject("id", "int.MinValue", (Permission e) => e with { Id = new PermissionId(int.MinValue) }, "positive", isKey: true),
        ],
    };

    /// <summary>
    /// System.Text.Json writes a lone surrogate as U+FFFD, so the element the entity holds is valid and round-trips;
    /// the rejection of a lone surrogate escape written in JSON text is a value case.
    /// </summary>
    private static Expectation? SerializedString(string? value) =>
        value is not null && !value.Contains('\0', StringComparison.Ordinal) && Payloads.HasUnpairedSurrogate(value) ? Expectation.Stored : null;

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Compares JSON by content (JSONB normalizes white space, key order and escapes).</summary>
    private sealed record JsonProbe(JsonElement Value)
    {
        public bool Equals(JsonProbe? other) => other is not null && JsonElement.DeepEquals(Value, other.Value);

        public override int GetHashCode() => 0;

        public override string ToString() => Value.GetRawText();
    }

    private static CorpusEntity<SystemConfigEntry> SystemConfigCorpus() => new CorpusEntity<SystemConfigEntry>
    {
        Table = SystemConfigEntry.TableName,
        NewAsync = _ => Task.FromResult(SystemConfigEntry.Create($"corpus.k{NextId()}", "v", description: "A setting.", category: "corpus")),
        AddAsync = (s, e) => s.SystemConfigs.AddAsync(e),
        UpdateAsync = (s, _, c) => s.SystemConfigs.UpdateAsync(c),
        GetAsync = (s, e) => s.SystemConfigs.GetAsync(e.Key),
        DeleteAsync = (s, e) => s.SystemConfigs.DeleteAsync(e.Key),
        CountAsync = s => s.SystemConfigs.CountAsync(),
        Strings =
        [
            new("key", "key", "key", 255, true, true, false, (e, v) => e with { Key = v! }, e => e.Key, new string('k', 255), IsKey: true),
            new("description", "description", "description", 500, false, false, true, (e, v) => e with { Description = v }, e => e.Description),
            new("category", "category", "category", 50, false, true, true, (e, v) => e with { Category = v }, e => e.Category),
            new("value", "value (a JSON string)", "value", null, false, false, true, (e, v) => e with { Value = v is null ? null : JsonSerializer.SerializeToElement(v) }, e => e.Value is { ValueKind: JsonValueKind.String } v ? v.GetString() : null, Override: SerializedString),
        ],
        Values =
        [
            Reject("value", "\\u0000 escape in a string", (SystemConfigEntry e) => e with { Value = Json("\"a\\u0000b\"") }, "no_nul"),
            Reject("value", "\\u0000 escape in a property name", (SystemConfigEntry e) => e with { Value = Json("{\"a\\u0000\": 1}") }, "no_nul"),
            Reject("value", "lone surrogate escape", (SystemConfigEntry e) => e with { Value = Json("[\"\\ud800\"]") }, "utf16"),
            Reject("value", "number past numeric range (1e200000)", (SystemConfigEntry e) => e with { Value = Json("1e200000") }, "numeric_range"),
            Reject("value", "number with 20000 fraction digits", (SystemConfigEntry e) => e with { Value = Json("0." + new string('1', 20_000)) }, "numeric_range"),
            Store<SystemConfigEntry>("value", "SQL text in JSON members", e => e with { Value = Json("{\"'; DROP TABLE system_config; --\": \"$$ ' \\\" \\\\\"}") }, e => e.Value is { } v ? new JsonProbe(v) : null),
            Store<SystemConfigEntry>("value", "nested 60 deep", e => e with { Value = Json(new string('[', 60) + "1" + new string(']', 60)) }, e => e.Value is { } v ? new JsonProbe(v) : null),
            Store<SystemConfigEntry>("value", "JSON null literal", e => e with { Value = Json("null") }, e => e.Value is { } v ? new JsonProbe(v) : null),
            Store<SystemConfigEntry>("value", "SQL NULL", e => e with { Value = null }, e => e.Value is { } v ? new JsonProbe(v) : null),
            Reject("updated_by", "empty UUID", (SystemConfigEntry e) => e with { UpdatedBy = new UserId(Guid.Empty) }, "not_empty"),
        ],
    };

    private static CorpusEntity<FeatureFlag> FeatureFlagsCorpus() => new CorpusEntity<FeatureFlag>
    {
        Table = FeatureFlag.TableName,
        NewAsync = _ => Task.FromResult(new FeatureFlag { Key = $"corpus-{NextId()}", Description = "A flag." }),
        AddAsync = (s, e) => s.FeatureFlags.AddAsync(e),
        UpdateAsync = (s, _, c) => s.FeatureFlags.UpdateAsync(c),
        GetAsync = (s, e) => s.FeatureFlags.GetAsync(e.Id),
        DeleteAsync = (s, e) => s.FeatureFlags.DeleteAsync(e.Id),
        CountAsync = s => s.FeatureFlags.CountAsync(),
        Strings =
        [
            new("key", "key", "key", FeatureFlag.MaxKeyLength, true, true, false, (e, v) => e with { Key = v! }, e => e.Key, new string('f', FeatureFlag.MaxKeyLength), IsKey: true),
            new("description", "description", "description", null, false, false, true, (e, v) => e with { Description = v }, e => e.Description),
        ],
        Values =
        [
            Reject("id", "empty UUID", (FeatureFlag e) => e with { Id = new FeatureFlagId(Guid.Empty) }, "not_empty", isKey: true),
            .. IntRange<FeatureFlag>("rollout_percentage", 0, 100, (e, v) => e with { RolloutPercentage = v }, e => e.RolloutPercentage),
            Reject("updated_by", "empty UUID", (FeatureFlag e) => e with { UpdatedBy = new UserId(Guid.Empty) }, "not_empty"),
        ],
    };

    private static CorpusEntity<Core.Preferences.UserPreferences> UserPreferencesCorpus() => new CorpusEntity<Core.Preferences.UserPreferences>
    {
        Table = Core.Preferences.UserPreferences.TableName,
        NewAsync = async s =>
        {
            var user = UserId.New();
            await s.AddUserAsync(user);
            return Core.Preferences.UserPreferences.Default(user);
        },
        AddAsync = (s, e) => s.UserPreferences.AddAsync(e),
        UpdateAsync = (s, _, c) => s.UserPreferences.UpdateAsync(c),
        GetAsync = (s, e) => s.UserPreferences.GetAsync(e.Id),
        DeleteAsync = (s, e) => s.UserPreferences.DeleteAsync(e.Id),
        Strings =
        [
            new("theme", "theme", "theme", 50, true, true, false, (e, v) => e with { Theme = v! }, e => e.Theme, new string('t', 50)),
            new("language", "language", "language", 10, true, true, false, (e, v) => e with { Language = v! }, e => e.Language, "zh-Hant-TW"),
            new("timezone", "timezone", "timezone", 100, true, true, false, (e, v) => e with { Timezone = v! }, e => e.Timezone, "America/Argentina/Buenos_Aires"),
        ],
        Values =
        [
            Reject("id", "empty UUID", (Core.Preferences.UserPreferences e) => e with { Id = new UserPreferencesId(Guid.Empty) }, "not_empty", isKey: true),
            Reject("user_id", "empty UUID", (Core.Preferences.UserPreferences e) => e with { UserId = new UserId(Guid.Empty) }, "not_empty"),
        ],
    };

    private static readonly BillingAddress Address = new() { Line1 = "1 Rue de Rivoli", City = "Paris", Country = "FR" };

    private static StringField<TenantConfig> AddressPart(string member, int max, bool required, Func<BillingAddress, string?, BillingAddress> set, Func<BillingAddress, string?> get) =>
        new(
            "billing_address",
            $"billing_address.{member}",
            $"billing_address.{member}",
            max,
            required,
            true,
            true,
            (e, v) => e with { BillingAddress = set(e.BillingAddress ?? Address, v) },
            e => e.BillingAddress is { } a ? get(a) : "<no address>"
        );

    private static CorpusEntity<TenantConfig> TenantConfigsCorpus() => new CorpusEntity<TenantConfig>
    {
        Table = TenantConfig.TableName,
        NewAsync = async s =>
        {
            var tenant = TenantId.New();
            await s.AddTenantAsync(tenant);
            return TenantConfig.Default(tenant) with { BillingAddress = Address };
        },
        AddAsync = (s, e) => s.TenantConfigs.AddAsync(e),
        UpdateAsync = (s, _, c) => s.TenantConfigs.UpdateAsync(c),
        GetAsync = (s, e) => s.TenantConfigs.GetAsync(e.TenantId),
        DeleteAsync = (s, e) => s.TenantConfigs.DeleteAsync(e.TenantId),
        Strings =
        [
            new("stripe_customer_id", "stripe_customer_id", "stripe_customer_id", 255, false, true, false, (e, v) => e with { StripeCustomerId = v }, e => e.StripeCustomerId, "cus_" + new string('A', 251)),
            new("billing_email", "billing_email", "billing_email", 255, false, true, false, (e, v) => e with { BillingEmail = v }, e => e.BillingEmail, new string('b', 243) + "@example.com"),
            new("theme_primary_color", "theme_primary_color", "theme_primary_color", 7, false, true, false, (e, v) => e with { ThemePrimaryColor = v }, e => e.ThemePrimaryColor, "#A1b2C3"),
            new("theme_logo_url", "theme_logo_url", "theme_logo_url", 500, false, true, false, (e, v) => e with { ThemeLogoUrl = v }, e => e.ThemeLogoUrl, "https://example.com/" + new string('l', 480)),
            new("theme_favicon_url", "theme_favicon_url", "theme_favicon_url", 500, false, true, false, (e, v) => e with { ThemeFaviconUrl = v }, e => e.ThemeFaviconUrl, "https://example.com/" + new string('f', 480)),
            new("ui_date_format", "ui_date_format", "ui_date_format", 20, false, true, true, (e, v) => e with { UiDateFormat = v }, e => e.UiDateFormat),
            new("ui_timezone", "ui_timezone", "ui_timezone", 50, false, true, false, (e, v) => e with { UiTimezone = v }, e => e.UiTimezone, "America/Argentina/Buenos_Aires"),
            AddressPart("line1", 200, true, (a, v) => a with { Line1 = v! }, a => a.Line1),
            AddressPart("line2", 200, false, (a, v) => a with { Line2 = v }, a => a.Line2),
            AddressPart("city", 100, true, (a, v) => a with { City = v! }, a => a.City),
            AddressPart("region", 100, false, (a, v) => a with { Region = v }, a => a.Region),
            AddressPart("postal_code", 20, false, (a, v) => a with { PostalCode = v }, a => a.PostalCode),
        ],
        Values =
        [
            Reject("tenant_id", "empty UUID", (TenantConfig e) => e with { TenantId = new TenantId(Guid.Empty) }, "not_empty", isKey: true),
            Reject("billing_address", "unassigned country XX", (TenantConfig e) => e with { BillingAddress = Address with { Country = "XX" } }, "country_code"),
            Reject("billing_address", "lowercase country", (TenantConfig e) => e with { BillingAddress = Address with { Country = "fr" } }, "country_code"),
            Reject("billing_address", "missing country", (TenantConfig e) => e with { BillingAddress = Address with { Country = null! } }, "required"),
            Reject("billing_address", "country with NUL", (TenantConfig e) => e with { BillingAddress = Address with { Country = "F\0" } }, "country_code"),
        ],
    };

    private static CorpusEntity<Core.Tenants.TenantPolicies> TenantPoliciesCorpus() => new CorpusEntity<Core.Tenants.TenantPolicies>
    {
        Table = Core.Tenants.TenantPolicies.TableName,
        NewAsync = async s =>
        {
            var tenant = TenantId.New();
            await s.AddTenantAsync(tenant);
            return Core.Tenants.TenantPolicies.Default(tenant);
        },
        AddAsync = (s, e) => s.TenantPolicies.AddAsync(e),
        UpdateAsync = (s, _, c) => s.TenantPolicies.UpdateAsync(c),
        GetAsync = (s, e) => s.TenantPolicies.GetAsync(e.TenantId),
        DeleteAsync = (s, e) => s.TenantPolicies.DeleteAsync(e.TenantId),
        Strings =
        [
            new("company_default_status", "company_default_status", "company_default_status", 50, true, true, false, (e, v) => e with { CompanyDefaultStatus = v! }, e => e.CompanyDefaultStatus, "pending_" + new string('r', 42)),
        ],
        Values =
        [
            Reject("tenant_id", "empty UUID", (Core.Tenants.TenantPolicies e) => e with { TenantId = new TenantId(Guid.Empty) }, "not_empty", isKey: true),
            .. IntRange<Core.Tenants.TenantPolicies>("password_min_length", Core.Tenants.TenantPolicies.MinPasswordMinLength, Core.Tenants.TenantPolicies.MaxPasswordMinLength, (e, v) => e with { PasswordMinLength = v }, e => e.PasswordMinLength),
            .. IntRange<Core.Tenants.TenantPolicies>("session_timeout_hours", Core.Tenants.TenantPolicies.MinSessionTimeoutHours, Core.Tenants.TenantPolicies.MaxSessionTimeoutHours, (e, v) => e with { SessionTimeoutHours = v }, e => e.SessionTimeoutHours),
            .. IntRange<Core.Tenants.TenantPolicies>("max_login_attempts", Core.Tenants.TenantPolicies.MinMaxLoginAttempts, Core.Tenants.TenantPolicies.MaxMaxLoginAttempts, (e, v) => e with { MaxLoginAttempts = v }, e => e.MaxLoginAttempts),
        ],
    };
}
