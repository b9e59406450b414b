namespace Listening.Core.Contracts;

/// <summary>What Table Storage accepts in a PartitionKey or RowKey.</summary>
public static class StorageKey
{
    public const int MaxLength = 512;

    public static bool IsValid(string? value) =>
        !string.IsNullOrEmpty(value)
        && value.Length <= MaxLength
        && !value.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
}
