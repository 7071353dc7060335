using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PenguinMails.Infrastructure.Core.Postgres.Schema;

namespace PenguinMails.Infrastructure.Core.DependencyInjection.Internal;

/// <summary>
/// Migrates or verifies the schema when the host starts, as <see cref="PenguinMailsInfraOptions.StartupMigration"/> says.
/// A failure the application's own configuration can fix is one <see cref="MigrationException"/> whose single-line
/// message names the option to set in the caller's terms (<c>o.CreateHostTables</c> or the configuration key
/// <c>PenguinMailsInfra:CreateHostTables</c>, and so on); a connection failure is one too (never a raw Npgsql exception),
/// naming host, port, database and user but not the password.
/// </summary>
internal sealed class SchemaStartupService(
    IOptionsMonitor<PenguinMailsInfraOptions> options,
    IServiceProvider services
) : IHostedService
{
    private const string Section = PenguinMailsInfraOptions.SectionName;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var mode = options.CurrentValue.StartupMigration;
        if (mode == MigrationMode.Off)
        {
            return;
        }

        var migrator = (PostgresMigrator)services.GetService(typeof(PostgresMigrator))!;
        try
        {
            await migrator.RunAsync(mode, cancellationToken).ConfigureAwait(false);
        }
        catch (MigrationException ex) when (ex.Failure == MigrationFailure.HostTablesMissing)
        {
            throw new MigrationException(
                MigrationFailure.HostTablesMissing,
                ex.Schema,
                $"Start-up migration of schema '{ex.Schema}' stopped: the host tables {string.Join(", ", ex.MissingHostTables)} do not exist. "
                    + $"Create them (they belong to the host platform), or for development and tests set o.CreateHostTables = true in AddPenguinMailsInfra (configuration: {Section}:CreateHostTables = true) to create minimal stand-ins.",
                null,
                ex
            )
            {
                MissingHostTables = ex.MissingHostTables,
            };
        }
        catch (MigrationException ex) when (ex.Failure == MigrationFailure.PendingMigrations)
        {
            throw new MigrationException(
                MigrationFailure.PendingMigrations,
                ex.Schema,
                $"{ex.Message.TrimEnd('.')}; or let the application migrate at start-up: o.StartupMigration = MigrationMode.Migrate in AddPenguinMailsInfra (configuration: {Section}:StartupMigration = Migrate).",
                null,
                ex
            )
            {
                PendingVersions = ex.PendingVersions,
            };
        }
        catch (MigrationException ex) when (ex.Failure == MigrationFailure.ConnectionFailed)
        {
            // The migrator names host, port, database and user (never the password); add the option to check.
            throw new MigrationException(
                MigrationFailure.ConnectionFailed,
                ex.Schema,
                $"Start-up ({mode}): {ex.Message.TrimEnd('.')}. Check {Section}:ConnectionString (o.ConnectionString).",
                null,
                ex.InnerException
            );
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
