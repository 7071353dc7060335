namespace PenguinMails.Infrastructure.Core.Internal;

internal sealed partial class FieldRules
{
    /// <summary>
    /// Adds every error of <paramref name="inner"/> under one column <paramref name="field"/> (for example a JSONB
    /// column whose members were checked one by one), keeping the rule and the message, which names the member path.
    /// </summary>
    public FieldRules AddUnder(string field, FieldRules inner)
    {
        foreach (var error in inner.Errors)
        {
            Add(field, error.Rule, error.Message);
        }

        return this;
    }

    /// <summary>
    /// A <c>TIMESTAMP WITH TIME ZONE</c> column the store fills (<c>DEFAULT NOW()</c>): the default value means "let
    /// the store set it" and passes; any other value must be in UTC as <see cref="Utc"/> requires.
    /// </summary>
    public FieldRules UtcIfSet(string field, DateTimeOffset value) => value == default ? this : Utc(field, value);

    /// <summary>A foreign key the entity requires although the column allows NULL: present and not the empty UUID.</summary>
    public FieldRules RequiredId(string field, Guid? value) =>
        value is null ? Add(field, "required", $"{field} is required.") : NotEmpty(field, value);
}
