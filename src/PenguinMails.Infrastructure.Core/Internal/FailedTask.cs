namespace PenguinMails.Infrastructure.Core.Internal;

/// <summary>
/// Argument checks for methods that return a task without being <c>async</c> (the hot read paths, which stay free of a
/// state machine): the failure is reported through the returned task, as every other failure is, never thrown before
/// the task exists.
/// </summary>
internal static class FailedTask
{
    /// <summary>A faulted task when <paramref name="value"/> is null, else null.</summary>
    public static Task<T>? IfNull<T>(object? value, string paramName) =>
        value is null ? Task.FromException<T>(new ArgumentNullException(paramName)) : null;
}
