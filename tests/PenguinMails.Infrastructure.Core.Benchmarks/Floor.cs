using Npgsql;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.Benchmarks;

/// <summary>
/// The hand-written raw Npgsql floor: constant SQL with positional parameters (<c>$1</c>), typed
/// <see cref="NpgsqlParameter{T}"/>, ordinal reads into the same <see cref="SmtpIpAddress"/> the library returns.
/// Run on a data source with Max Auto Prepare and No Reset On Close (see <see cref="BenchDatabase.CreateTuned"/>).
/// </summary>
internal static class Floor
{
    public const string Columns =
        "id, vps_instance_id, ip_address, status, reputation_state, approximate_cost, last_reputation_check, assigned_count, "
        + "provider_blacklist_status, created, updated";

    public const string SelectById = "SELECT " + Columns + " FROM smtp_ip_addresses WHERE id = $1";

    public const string ListByVps = "SELECT " + Columns + " FROM smtp_ip_addresses WHERE vps_instance_id = $1 ORDER BY id LIMIT $2";

    public const string ChangeStatus =
        "UPDATE smtp_ip_addresses SET status = $2, updated = GREATEST($3, updated + interval '1 microsecond') "
        + "WHERE id = $1 AND status = $4 RETURNING " + Columns;

    public const string Insert =
        "INSERT INTO smtp_ip_addresses (" + Columns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING " + Columns;

    public static SmtpIpAddress Read(NpgsqlDataReader r) => new()
    {
        Id = new SmtpIpAddressId(r.GetGuid(0)),
        VpsInstanceId = r.IsDBNull(1) ? null : new VpsInstanceId(r.GetGuid(1)),
        IpAddress = r.GetString(2),
        Status = ParseStatus(r.GetString(3)),
        ReputationState = r.IsDBNull(4) ? null : ParseReputation(r.GetString(4)),
        ApproximateCost = r.IsDBNull(5) ? null : r.GetDecimal(5),
        LastReputationCheck = r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6),
        AssignedCount = r.IsDBNull(7) ? 0 : r.GetInt32(7),
        ProviderBlacklistStatus = r.IsDBNull(8) ? null : ProviderBlacklistStatus.FromJson(r.GetString(8)),
        Created = r.GetFieldValue<DateTimeOffset>(9),
        Updated = r.GetFieldValue<DateTimeOffset>(10),
    };

    public static SmtpIpAddressStatus ParseStatus(string s) => s switch
    {
        "available" => SmtpIpAddressStatus.Available,
        "assigned" => SmtpIpAddressStatus.Assigned,
        "warming" => SmtpIpAddressStatus.Warming,
        "warmed" => SmtpIpAddressStatus.Warmed,
        "degraded" => SmtpIpAddressStatus.Degraded,
        "burned" => SmtpIpAddressStatus.Burned,
        "quarantined" => SmtpIpAddressStatus.Quarantined,
        _ => throw new InvalidOperationException("unknown status " + s),
    };

    public static ReputationState ParseReputation(string s) => s switch
    {
        "good" => ReputationState.Good,
        "fair" => ReputationState.Fair,
        "poor" => ReputationState.Poor,
        "critical" => ReputationState.Critical,
        _ => throw new InvalidOperationException("unknown reputation state " + s),
    };

    public static string StatusText(SmtpIpAddressStatus s) => s switch
    {
        SmtpIpAddressStatus.Available => "available",
        SmtpIpAddressStatus.Assigned => "assigned",
        _ => s.ToDatabaseValue(),
    };
}

/// <summary>
/// The row Dapper maps by column name (snake_case to PascalCase; Npgsql hands timestamptz out as UTC DateTime), converted
/// to the entity afterwards: what an application using Dapper would write.
/// </summary>
internal sealed class DapperIpRow
{
    public Guid Id { get; set; }
    public Guid? VpsInstanceId { get; set; }
    public string IpAddress { get; set; } = "";
    public string Status { get; set; } = "";
    public string? ReputationState { get; set; }
    public decimal? ApproximateCost { get; set; }
    public DateTime? LastReputationCheck { get; set; }
    public int? AssignedCount { get; set; }
    public string? ProviderBlacklistStatus { get; set; }
    public DateTime Created { get; set; }
    public DateTime Updated { get; set; }

    public SmtpIpAddress ToEntity() => new()
    {
        Id = new SmtpIpAddressId(Id),
        VpsInstanceId = VpsInstanceId is { } v ? new VpsInstanceId(v) : null,
        IpAddress = IpAddress,
        Status = Floor.ParseStatus(Status),
        ReputationState = ReputationState is { } rs ? Floor.ParseReputation(rs) : null,
        ApproximateCost = ApproximateCost,
        LastReputationCheck = LastReputationCheck is { } c ? new DateTimeOffset(c) : null,
        AssignedCount = AssignedCount ?? 0,
        ProviderBlacklistStatus = ProviderBlacklistStatus is { } json ? Core.SmtpIps.ProviderBlacklistStatus.FromJson(json) : null,
        Created = new DateTimeOffset(Created),
        Updated = new DateTimeOffset(Updated),
    };
}
