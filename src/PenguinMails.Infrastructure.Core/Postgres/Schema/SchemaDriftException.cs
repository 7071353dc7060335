namespace PenguinMails.Infrastructure.Core.Postgres.Schema;

/// <summary>
/// Thrown when the script of an applied version has changed since it was applied (its checksum in the history table
/// differs from the package's). Drift is never re-run silently: restore the original script, or repair the history
/// deliberately.
/// </summary>
public sealed class SchemaDriftException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="schema">The schema checked.</param>
    /// <param name="drift">The drifted versions; at least one.</param>
    public SchemaDriftException(string schema, IReadOnlyList<SchemaDrift> drift)
        : base(BuildMessage(schema, drift))
    {
        Schema = schema;
        Drift = drift;
    }

    /// <summary>The schema checked.</summary>
    public string Schema { get; }

    /// <summary>The drifted versions, ascending.</summary>
    public IReadOnlyList<SchemaDrift> Drift { get; }

    private static string BuildMessage(string schema, IReadOnlyList<SchemaDrift> drift)
    {
        ArgumentNullException.ThrowIfNull(drift);
        var items = string.Join("; ", drift.Select(d =>
            $"version {d.Version} ({d.Name}): applied checksum {d.AppliedChecksum}, package checksum {d.ExpectedChecksum}"));
        return $"Schema drift in '{schema}': the script of an applied version has changed: {items}.";
    }
}
