using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Listening.Cli;

/// <summary>
/// The demo's storage on disk: Azurite (from the repository's node_modules) with its data in
/// <c>.listening/azurite</c> below the folder a command runs in, used by every command run without
/// <c>AzureWebJobsStorage</c> (README, "Trying it locally"; docs/local.md).
/// </summary>
/// <remarks>
/// Two commands at once share one Azurite: under an exclusive lock on <c>.listening/azurite.lock</c> a command
/// either finds the Azurite of <c>.listening/azurite.json</c> alive and answering, or starts one (never two on one
/// data folder, which would corrupt it), and enters itself as a user. Azurite runs in its own session with its output
/// in <c>.listening/azurite.log</c>, so it outlives the command that started it; the last user to leave stops it
/// (SIGTERM, so it writes its data out). Users that died without leaving (killed) are dropped by the next command.
/// </remarks>
internal sealed class LocalAzurite : IAsyncDisposable
{
    public const string FolderName = ".listening";

    private static readonly TimeSpan LockPatience = TimeSpan.FromMinutes(3);

    private readonly string _root;
    private readonly Member _self;
    private bool _left;

    private LocalAzurite(string root, AzuriteState state, Member self, bool started, bool empty)
    {
        Empty = empty;
        _root = root;
        State = state;
        _self = self;
        Started = started;
    }

    public AzuriteState State { get; }

    /// <summary>True when this command started Azurite; false when it joined one another command runs.</summary>
    public bool Started { get; }

    public string DataFolder => DataFolderOf(_root);

    /// <summary>True when there was no demo data yet (the folder was new).</summary>
    public bool Empty { get; }

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + string.Create(CultureInfo.InvariantCulture, $"BlobEndpoint=http://127.0.0.1:{State.BlobPort}/devstoreaccount1;")
        + string.Create(CultureInfo.InvariantCulture, $"QueueEndpoint=http://127.0.0.1:{State.QueuePort}/devstoreaccount1;")
        + string.Create(CultureInfo.InvariantCulture, $"TableEndpoint=http://127.0.0.1:{State.TablePort}/devstoreaccount1;");

    /// <summary>The one line a command prints about it (on standard error, so piped output stays clean).</summary>
    public string Notice => string.Create(CultureInfo.InvariantCulture,
        $"AzureWebJobsStorage is not set: using the demo's data in {Display(DataFolder)} (Azurite {(Started ? "started" : "already running")} on 127.0.0.1:{State.TablePort}, process {State.Pid}){(Empty ? "; it is empty: listening demo fills it" : "")}.");

    /// <summary>The folder of a command's local data: <c>.listening</c> below the given folder (the current one by default).</summary>
    public static string RootIn(string? workingDirectory) =>
        Path.Combine(Path.GetFullPath(workingDirectory ?? Directory.GetCurrentDirectory()), FolderName);

    public static string DataFolderOf(string root) => Path.Combine(root, "azurite");

    /// <summary>Joins the running Azurite of <paramref name="root"/> or starts it; with <paramref name="fresh"/> its data is deleted first.</summary>
    public static async Task<LocalAzurite> UseAsync(string root, bool fresh, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(root);
        var self = Member.Current();
        await using var gate = await LockAsync(root, cancellationToken);
        var state = Read(root);
        var running = state is not null && Member.IsAlive(state.Pid, state.ProcessStart) && await AnswersAsync(state.TablePort, cancellationToken);
        if (fresh)
        {
            var others = running ? state!.Users.Where(u => u.Pid != self.Pid && u.IsAlive()).ToList() : [];
            if (others.Count > 0)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"another listening command (process {others[0].Pid}) is using the demo's data in {Display(DataFolderOf(root))}: stop it, then run listening demo --fresh again."));
            }

            await StopAsync(state);
            state = null;
            running = false;
            if (Directory.Exists(DataFolderOf(root)))
            {
                Directory.Delete(DataFolderOf(root), recursive: true);
            }
        }

        var started = false;
        var empty = !Directory.Exists(DataFolderOf(root)) || !Directory.EnumerateFileSystemEntries(DataFolderOf(root)).Any();
        if (!running)
        {
            // A leftover that no longer answers (or nothing at all): nobody can be using it.
            await StopAsync(state);
            state = await StartAsync(root, cancellationToken);
            started = true;
        }

        state = state! with { Users = [.. state!.Users.Where(u => u.Pid != self.Pid && u.IsAlive()), self] };
        Write(root, state);
        return new LocalAzurite(root, state, self, started, empty);
    }

    /// <summary>Leaves; the last user stops Azurite.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_left)
        {
            return;
        }

        _left = true;
        await using var gate = await LockAsync(_root, CancellationToken.None);
        var state = Read(_root);
        if (state is null || state.Pid != State.Pid)
        {
            return; // someone started over (--fresh) after stopping ours: nothing of ours is left
        }

        var users = state.Users.Where(u => !(u.Pid == _self.Pid && u.ProcessStart == _self.ProcessStart) && u.IsAlive()).ToList();
        if (users.Count > 0)
        {
            Write(_root, state with { Users = users });
            return;
        }

        await StopAsync(state);
        File.Delete(StatePath(_root));
    }

    private static async Task<AzuriteState> StartAsync(string root, CancellationToken cancellationToken)
    {
        var script = AzuriteProcess.FindScript(Directory.GetCurrentDirectory(), AppContext.BaseDirectory)
            ?? throw new InvalidOperationException("Azurite is not installed: run `npm ci` in the repository root first (it installs the pinned Azurite).");
        var data = DataFolderOf(root);
        Directory.CreateDirectory(data);
        var log = Path.Combine(root, "azurite.log");
        File.WriteAllText(log, "");
        string[] azurite =
        [
            "node", script, "--location", data, "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", "0", "--queuePort", "0", "--tablePort", "0",
        ];

        // Its output goes to a file, not to a pipe of ours (it outlives this command); in a session of its own (setsid),
        // so Ctrl+C in the terminal that happened to start it does not stop it under another command.
        ProcessStartInfo start;
        if (OperatingSystem.IsWindows())
        {
            start = new ProcessStartInfo("cmd.exe") { UseShellExecute = false, CreateNoWindow = true };
            start.ArgumentList.Add("/d");
            start.ArgumentList.Add("/c");
            start.ArgumentList.Add(string.Join(' ', azurite.Select(a => "\"" + a + "\"")) + " > \"" + log + "\" 2>&1");
        }
        else
        {
            start = new ProcessStartInfo(File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : "/bin/sh") { UseShellExecute = false };
            if (start.FileName.EndsWith("setsid", StringComparison.Ordinal))
            {
                start.ArgumentList.Add("/bin/sh");
            }

            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("exec \"$@\" > \"$0\" 2>&1 < /dev/null");
            start.ArgumentList.Add(log);
            foreach (var argument in azurite)
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.WorkingDirectory = root;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite could not be started (is Node.js installed?).");
        var started = Stopwatch.GetTimestamp(); // a wait on a real process: monotonic elapsed time, not the clock
        while (true)
        {
            await Task.Delay(100, cancellationToken);
            var ports = AzuriteProcess.ListeningPorts(await ReadSharedAsync(log, cancellationToken));
            if (ports.Count == 3)
            {
                // setsid execs the shell, the shell execs node: the pid is Azurite's (on Windows, cmd's: stopping it stops node).
                return new AzuriteState(process.Id, Member.StartOf(process.Id), ports["Blob"], ports["Queue"], ports["Table"], []);
            }

            if (process.HasExited || Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(180))
            {
                var why = (await ReadSharedAsync(log, cancellationToken)).Trim();
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                throw new InvalidOperationException("Azurite did not start: " + (why.Length == 0 ? "no output" : why.Split('\n')[^1]) + " (see " + Display(log) + ").");
            }
        }
    }

    private static async Task StopAsync(AzuriteState? state)
    {
        if (state is null || !Member.IsAlive(state.Pid, state.ProcessStart))
        {
            return;
        }

        using var process = Process.GetProcessById(state.Pid);
        if (!OperatingSystem.IsWindows())
        {
            // SIGTERM: Azurite closes its databases cleanly; SIGKILL only if it does not go within 15 seconds.
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", state.Pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            if (kill is not null)
            {
                await kill.WaitForExitAsync();
            }

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(patience.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                // falls through to the hard stop
            }
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    private static async Task<bool> AnswersAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The exclusive lock (an OS file lock, released by the OS should this process die holding it).</summary>
    private static async Task<FileStream> LockAsync(string root, CancellationToken cancellationToken)
    {
        var path = Path.Combine(root, "azurite.lock");
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (Stopwatch.GetElapsedTime(started) < LockPatience)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (IOException)
            {
                throw new InvalidOperationException($"Another listening command has held {Display(path)} for {LockPatience.TotalMinutes:0} minutes: is one stuck? Stop it and try again.");
            }
        }
    }

    private static string StatePath(string root) => Path.Combine(root, "azurite.json");

    private static AzuriteState? Read(string root)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(StatePath(root)), LocalAzuriteJson.Default.AzuriteState);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null; // none yet, or a half-written file of a command killed mid-write: treated as not running
        }
    }

    private static void Write(string root, AzuriteState state)
    {
        var temporary = StatePath(root) + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(state, LocalAzuriteJson.Default.AzuriteState));
        File.Move(temporary, StatePath(root), overwrite: true);
    }

    private static async Task<string> ReadSharedAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    internal static string Display(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}

/// <summary>What <c>.listening/azurite.json</c> holds: the running Azurite, its ports, and the commands using it.</summary>
internal sealed record AzuriteState(int Pid, long ProcessStart, int BlobPort, int QueuePort, int TablePort, IReadOnlyList<Member> Users);

/// <summary>A process, by id and start time (an id alone may be reused by another process after a restart).</summary>
internal sealed record Member(int Pid, long ProcessStart)
{
    public static Member Current() => new(Environment.ProcessId, StartOf(Environment.ProcessId));

    public bool IsAlive() => IsAlive(Pid, ProcessStart);

    public static bool IsAlive(int pid, long processStart)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && (processStart == 0 || StartOf(process) == processStart);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public static long StartOf(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return StartOf(process);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return 0;
        }
    }

    private static long StartOf(Process process) => process.StartTime.ToUniversalTime().Ticks / TimeSpan.TicksPerSecond;
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(AzuriteState))]
internal sealed partial class LocalAzuriteJson : JsonSerializerContext;
