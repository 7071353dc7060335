using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using PenguinMails.Infrastructure.Core.DependencyInjection;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.SystemConfig;
using PenguinMails.Infrastructure.TestKit;
using PenguinMails.Infrastructure.TestKit.Postgres;
using Xunit.Abstractions;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Reliability;

/// <summary>
/// A realistic run (registration with a password in the connection string, startup migration, sensitive settings
/// written and read through <see cref="ISystemConfigService"/>, denied and malformed reads, failing connections, the
/// migrator against an unreachable server, the health check, options validation) with every log entry, exception text,
/// span and <c>ToString()</c> collected: none contains the password or a sensitive value. The connection string asks
/// for PostgreSQL's error details (<c>Include Error Detail</c>), so server DETAIL lines are in the texts too.
/// </summary>
public sealed class SecretsTests(ITestOutputHelper output)
{
    private const string Password = "Pw-7f3c9e1a-SECRET-b2d4";
    private const string SensitiveValue = "sk_live_9Qx7SENSITIVEvalue42";
    private const string StripeAccount = "acct_1SECRETstripeACCT9";

    private static readonly string[] Secrets = [Password, SensitiveValue, StripeAccount];

    private readonly List<string> _texts = [];

    [PostgresFact]
    public async Task RealisticRun_LogsExceptionsSpansAndToString_NeverContainPasswordOrSensitiveValue()
    {
        var logs = new FakeLogger<SecretsTests>();
        using var telemetry = new TelemetryCapture();
        var connectionString = new NpgsqlConnectionStringBuilder(await PostgresServer.CreateDatabaseAsync("secrets"))
        {
            Password = Password,
            IncludeErrorDetail = true,
        }.ConnectionString;

        await RunHealthyHostAsync(connectionString, logs);
        await RunFailingConnectionsAsync(connectionString, logs);
        await CaptureAsync(
            "options validation",
            () =>
            {
                using var provider = Host(o => o.ConnectionString = $"Password={Password};Nonsense Key=1", logs);
                _ = provider.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value;
                return Task.CompletedTask;
            }
        );
        _texts.Add(new PenguinMailsInfraOptions { ConnectionString = connectionString }.ToString()!);

        _texts.AddRange(logs.Entries.Select(e => e.FullText));
        foreach (var span in telemetry.Spans)
        {
            _texts.Add(span.DisplayName + " " + span.StatusDescription);
            _texts.AddRange(span.TagObjects.Select(t => $"{t.Key}={t.Value}"));
            _texts.AddRange(span.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name} {t.Key}={t.Value}")));
        }

        var leaks = _texts.Where(t => Secrets.Any(s => t.Contains(s, StringComparison.Ordinal))).ToList();
        output.WriteLine($"{_texts.Count} texts checked ({logs.Entries.Count} log entries, {telemetry.Spans.Count} spans)");
        Assert.True(leaks.Count == 0, "Leaked:" + Environment.NewLine + string.Join(Environment.NewLine + "---" + Environment.NewLine, leaks));
        Assert.True(logs.Entries.Count >= 5, $"only {logs.Entries.Count} log entries: the run did not exercise the logging");

        // The capture is live: keys (not secret) do appear, and the failures were the typed ones expected.
        Assert.Contains(_texts, t => t.Contains("payments.stripe_secret_key", StringComparison.Ordinal));
        foreach (var type in new[] { nameof(PermissionDeniedException), nameof(ConfigValueFormatException), nameof(EntityValidationException), nameof(DuplicateEntityException), nameof(ReferencedEntityMissingException), nameof(TransientDatabaseException), nameof(OptionsValidationException) })
        {
            Assert.Contains(_texts, t => t.Contains(type, StringComparison.Ordinal));
        }
    }

    private async Task RunHealthyHostAsync(string connectionString, FakeLogger<SecretsTests> logs)
    {
        await using var provider = Host(
            o =>
            {
                o.ConnectionString = connectionString;
                o.CreateHostTables = true;
                o.StartupMigration = MigrationMode.Migrate;
            },
            logs
        );
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        // A staff member allowed everything on system_config, and one allowed to read only the non-sensitive values.
        var admin = await NewStaffAsync(provider, connectionString, WellKnownPermissions.SystemConfigManage, WellKnownPermissions.SystemConfigRead, WellKnownPermissions.SystemConfigReadSensitive);
        var reader = await NewStaffAsync(provider, connectionString, WellKnownPermissions.SystemConfigRead);
        var config = provider.GetRequiredService<ISystemConfigService>();

        var written = await config.SetValueAsync(admin, "payments.stripe_secret_key", SensitiveValue, isSensitive: true);
        var stripe = await config.SetStripeAccountIdAsync(admin, StripeAccount);
        _texts.Add(written.ToString());
        _texts.Add(stripe.ToString());
        Assert.Equal(SensitiveValue, await config.GetValueAsync<string>(admin, "payments.stripe_secret_key"));
        Assert.Equal(StripeAccount, await config.GetStripeAccountIdAsync(admin));
        _texts.Add((await config.GetEntryAsync(reader, "payments.stripe_secret_key"))!.ToString());
        _texts.Add((await config.GetEntryAsync(admin, "payments.stripe_secret_key"))!.ToString());
        _texts.Add(string.Join(" ", (await provider.GetRequiredService<ISystemConfigRepository>().ListAsync()).Items.Select(e => e.ToString())));

        await CaptureAsync("sensitive read without read_sensitive", () => config.GetValueAsync<string>(reader, "payments.stripe_secret_key"));
        await CaptureAsync("sensitive value read as the wrong type", () => config.GetValueAsync<int>(admin, "payments.stripe_secret_key"));
        await CaptureAsync("sensitive value read as an object", () => config.GetValueAsync<Dictionary<string, int>>(admin, SystemConfigKeys.StripeAccountId));
        await CaptureAsync("invalid Stripe account id", () => config.SetStripeAccountIdAsync(admin, StripeAccount + " "));
        var repository = provider.GetRequiredService<ISystemConfigRepository>();
        await CaptureAsync("duplicate sensitive key", () => repository.AddAsync(SystemConfigEntry.Create("payments.stripe_secret_key", SensitiveValue, isSensitive: true)));
        await CaptureAsync(
            "sensitive value written by an unknown user (foreign key)",
            () => repository.UpsertAsync(SystemConfigEntry.Create("payments.other_secret", SensitiveValue, isSensitive: true, updatedBy: UserId.New()))
        );
        await CaptureAsync(
            "sensitive value with an invalid description",
            () => repository.UpsertAsync(SystemConfigEntry.Create("payments.other_secret", SensitiveValue, isSensitive: true, description: "a\0b"))
        );
        await CaptureAsync("stale update of a sensitive value", () => repository.UpdateAsync(written with { Value = System.Text.Json.JsonSerializer.SerializeToElement(SensitiveValue + "x") }));

        var health = new PenguinMailsInfraHealthCheck(provider);
        CaptureHealth(await health.CheckHealthAsync(HealthContext(health)));

        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
    }

    private async Task RunFailingConnectionsAsync(string connectionString, FakeLogger<SecretsTests> logs)
    {
        var good = new NpgsqlConnectionStringBuilder(connectionString);
        string[] failing =
        [
            new NpgsqlConnectionStringBuilder(connectionString) { Port = ClosedPort(), Timeout = 3 }.ConnectionString,
            new NpgsqlConnectionStringBuilder(connectionString) { Database = good.Database + "_missing" }.ConnectionString,
            new NpgsqlConnectionStringBuilder(connectionString) { Username = "no_such_role_" + Password.Length }.ConnectionString,
        ];
        foreach (var cs in failing)
        {
            await using (var provider = Host(o => o.ConnectionString = cs, logs))
            {
                await CaptureAsync("repository on a failing connection", () => provider.GetRequiredService<ISystemConfigRepository>().GetAsync("payments.stripe_secret_key"));
                await CaptureAsync("service on a failing connection", () => provider.GetRequiredService<ISystemConfigService>().GetValueAsync<string>(UserId.New(), "x"));
                await CaptureAsync(
                    "startup verification on a failing connection",
                    async () =>
                    {
                        foreach (var hosted in provider.GetServices<IHostedService>())
                        {
                            await hosted.StartAsync(CancellationToken.None);
                        }
                    }
                );
                var health = new PenguinMailsInfraHealthCheck(provider);
                CaptureHealth(await health.CheckHealthAsync(HealthContext(health)));
            }

            await using var dataSource = NpgsqlDataSource.Create(cs);
            var migrator = new PostgresMigrator(dataSource, new MigratorOptions());
            await CaptureAsync("migrator on a failing connection", () => migrator.MigrateAsync());
            await CaptureAsync("migrator status on a failing connection", () => migrator.VerifyAsync());
        }
    }

    private static ServiceProvider Host(Action<PenguinMailsInfraOptions> configure, FakeLogger<SecretsTests> logs) =>
        new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingProvider(logs)))
            .AddPenguinMailsInfra(configure).Services
            .BuildServiceProvider();

    private static async Task<UserId> NewStaffAsync(IServiceProvider provider, string connectionString, params string[] permissions)
    {
        var user = UserId.New();
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        await using (var command = dataSource.CreateCommand("INSERT INTO users (id) VALUES ($1)"))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = user.Value });
            await command.ExecuteNonQueryAsync();
        }

        var roles = provider.GetRequiredService<IStaffRoleRepository>();
        var role = await roles.AddAsync(new StaffRole { Id = new StaffRoleId(Random.Shared.Next(2_000, 1_000_000)), Name = "secrets-" + Guid.NewGuid().ToString("N")[..8] });
        foreach (var name in permissions)
        {
            await roles.GrantAsync(role.Id, (await provider.GetRequiredService<IPermissionRepository>().GetByNameAsync(name))!.Id);
        }

        await provider.GetRequiredService<IStaffMemberRepository>().AddAsync(new StaffMember { UserId = user, RoleId = role.Id });
        return user;
    }

    private async Task CaptureAsync(string what, Func<Task> action)
    {
        try
        {
            await action();
            _texts.Add(what + ": no error");
        }
        catch (Exception ex)
        {
            _texts.Add($"{what}: {ex}");
            for (var inner = ex; inner is not null; inner = inner.InnerException)
            {
                _texts.Add(inner.Message);
                if (inner is PostgresException pg)
                {
                    _texts.Add($"{pg.Detail} {pg.Hint} {pg.Where} {pg.InternalQuery}");
                }

                foreach (System.Collections.DictionaryEntry entry in inner.Data)
                {
                    _texts.Add($"{entry.Key}={entry.Value}");
                }
            }
        }
    }

    private void CaptureHealth(HealthCheckResult result)
    {
        _texts.Add($"{result.Status} {result.Description} {result.Exception}");
        _texts.AddRange(result.Data.Select(d => $"{d.Key}={d.Value}"));
    }

    private static HealthCheckContext HealthContext(IHealthCheck check) =>
        new() { Registration = new HealthCheckRegistration("penguinmails-infra", check, HealthStatus.Unhealthy, null) };

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed class CapturingProvider(FakeLogger<SecretsTests> logger) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }
}
