namespace Listening.Core.Storage;

/// <summary>
/// A conditional write lost to other writers on every attempt a caller allows: the message is retried later (the
/// queue's dequeue count) rather than half-applied.
/// </summary>
public sealed class WriteConflictException : Exception
{
    public WriteConflictException()
    {
    }

    public WriteConflictException(string message)
        : base(message)
    {
    }

    public WriteConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
