using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PenguinMails.Infrastructure.Core.Postgres.Schema;

namespace PenguinMails.Infrastructure.Core.DependencyInjection;

/// <summary>Migrates or verifies the schema when the host starts, as <see cref="PenguinMailsInfraOptions.StartupMigration"/> says.</summary>
internal sealed class SchemaStartupService(IOptions<PenguinMailsInfraOptions> options, IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var mode = options.Value.StartupMigration;
        if (mode == MigrationMode.Off || !options.Value.UsesPostgres)
        {
            return;
        }

        var migrator = (PostgresMigrator)services.GetService(typeof(PostgresMigrator))!;
        await migrator.RunAsync(mode, cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
