namespace Listening.Cli;

/// <summary>The demo's clock: it stands where the simulation puts it.</summary>
internal sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Set(DateTimeOffset now) => _now = now.ToUniversalTime();
}
