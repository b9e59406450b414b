using System.CommandLine;
using Listening.Cli;

CliHost.MaskConsole();
try
{
    return await ListeningCli.Build().Parse(args).InvokeAsync();
}
finally
{
    await Console.Out.FlushAsync();
    await Console.Error.FlushAsync();
}
