using PenguinMails.Infrastructure.Cli;

return await CliApp.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, CancellationToken.None).ConfigureAwait(false);
