using Listening.Core.Notifications;

namespace Listening.Core.Tests.Notifications;

public sealed class DispatcherBackoffTests
{
    [Theory]
    [InlineData(1, 24, 36)]
    [InlineData(2, 48, 72)]
    [InlineData(4, 192, 288)]
    public void Backoff_doubles_with_jitter(int attempt, double min, double max)
    {
        var wait = NotificationDispatcher.Backoff(attempt, 30, null).TotalSeconds;

        Assert.InRange(wait, min, max);
    }

    [Fact]
    public void Backoff_honours_a_longer_retry_after()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), NotificationDispatcher.Backoff(1, 30, TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public void Backoff_is_capped_at_an_hour()
    {
        Assert.Equal(NotificationDispatcher.MaxBackoff, NotificationDispatcher.Backoff(1, 30, TimeSpan.FromDays(2)));
        Assert.Equal(NotificationDispatcher.MaxBackoff, NotificationDispatcher.Backoff(12, 30, null));
    }
}
