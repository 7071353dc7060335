using System.Runtime.InteropServices;
using PenguinMails.Infrastructure.Cli;

// Ctrl+C (SIGINT) and SIGTERM cancel the token that every database call receives; the command then stops cleanly
// (a version in progress is cancelled on the server and rolled back) and the tool exits with CliApp.Cancelled.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(
    PosixSignal.SIGTERM,
    context =>
    {
        context.Cancel = true;
        cancellation.Cancel();
    }
);

return await CliApp
    .RunAsync(
        args,
        Console.Out,
        Console.Error,
        Environment.GetEnvironmentVariable,
        cancellation.Token
    )
    .ConfigureAwait(false);
