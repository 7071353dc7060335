namespace PenguinMails.Infrastructure.Core;

/// <summary>One failed validation rule on one field.</summary>
/// <param name="Field">The database column the value is written to, for example <c>hostwinds_billing_day</c>.</param>
/// <param name="Rule">A short, stable rule identifier, for example <c>max_length</c> or <c>range</c>.</param>
/// <param name="Message">A readable sentence naming the field and the rule; it never contains the value of a sensitive field.</param>
public sealed record FieldError(string Field, string Rule, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message}";
}
