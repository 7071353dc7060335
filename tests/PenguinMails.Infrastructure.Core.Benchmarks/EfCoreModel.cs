using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.Benchmarks;

/// <summary>
/// EF Core 10 on the Npgsql provider, set up as a performance-minded application would: a pooled context factory on the
/// same tuned <see cref="NpgsqlDataSource"/> as every other contender, no tracking for reads (<c>AsNoTracking</c>), no
/// logging, no thread-safety checks. Rows map to <see cref="EfIpRow"/> and are converted to the entity afterwards, as
/// the Dapper contender does.
/// </summary>
public sealed class EfBenchContext(DbContextOptions<EfBenchContext> options) : DbContext(options)
{
    public DbSet<EfIpRow> Ips => Set<EfIpRow>();

    public static PooledDbContextFactory<EfBenchContext> CreateFactory(NpgsqlDataSource dataSource) =>
        new(new DbContextOptionsBuilder<EfBenchContext>()
            .UseNpgsql(dataSource)
            .EnableThreadSafetyChecks(false)
            .Options);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var ip = modelBuilder.Entity<EfIpRow>();
        ip.ToTable("smtp_ip_addresses");
        ip.HasKey(x => x.Id);
        ip.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        ip.Property(x => x.VpsInstanceId).HasColumnName("vps_instance_id");
        ip.Property(x => x.IpAddress).HasColumnName("ip_address").HasMaxLength(45);
        ip.Property(x => x.Status).HasColumnName("status").HasMaxLength(50);
        ip.Property(x => x.ReputationState).HasColumnName("reputation_state").HasMaxLength(50);
        ip.Property(x => x.ApproximateCost).HasColumnName("approximate_cost").HasPrecision(6, 2);
        ip.Property(x => x.LastReputationCheck).HasColumnName("last_reputation_check");
        ip.Property(x => x.AssignedCount).HasColumnName("assigned_count");
        ip.Property(x => x.ProviderBlacklistStatus).HasColumnName("provider_blacklist_status").HasColumnType("jsonb");
        ip.Property(x => x.Created).HasColumnName("created");
        ip.Property(x => x.Updated).HasColumnName("updated");
    }
}

/// <summary>The <c>smtp_ip_addresses</c> row as EF Core maps it (timestamptz as UTC <see cref="DateTimeOffset"/>).</summary>
public sealed class EfIpRow
{
    public Guid Id { get; set; }
    public Guid? VpsInstanceId { get; set; }
    public string IpAddress { get; set; } = "";
    public string Status { get; set; } = "";
    public string? ReputationState { get; set; }
    public decimal? ApproximateCost { get; set; }
    public DateTimeOffset? LastReputationCheck { get; set; }
    public int? AssignedCount { get; set; }
    public string? ProviderBlacklistStatus { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset Updated { get; set; }

    public SmtpIpAddress ToEntity() => new()
    {
        Id = new SmtpIpAddressId(Id),
        VpsInstanceId = VpsInstanceId is { } v ? new VpsInstanceId(v) : null,
        IpAddress = IpAddress,
        Status = Floor.ParseStatus(Status),
        ReputationState = ReputationState is { } rs ? Floor.ParseReputation(rs) : null,
        ApproximateCost = ApproximateCost,
        LastReputationCheck = LastReputationCheck,
        AssignedCount = AssignedCount ?? 0,
        ProviderBlacklistStatus = ProviderBlacklistStatus is { } json ? Core.SmtpIps.ProviderBlacklistStatus.FromJson(json) : null,
        Created = Created,
        Updated = Updated,
    };

    public static EfIpRow From(SmtpIpAddress v, DateTimeOffset now) => new()
    {
        Id = v.Id.Value,
        VpsInstanceId = v.VpsInstanceId?.Value,
        IpAddress = v.IpAddress,
        Status = v.Status.ToDatabaseValue(),
        ReputationState = v.ReputationState?.ToDatabaseValue(),
        ApproximateCost = v.ApproximateCost,
        LastReputationCheck = v.LastReputationCheck,
        AssignedCount = v.AssignedCount,
        ProviderBlacklistStatus = v.ProviderBlacklistStatus?.ToJson(),
        Created = now,
        Updated = now,
    };
}
