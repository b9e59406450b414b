using System.CommandLine;
using Listening.Cli;

return await ListeningCli.Build().Parse(args).InvokeAsync();
