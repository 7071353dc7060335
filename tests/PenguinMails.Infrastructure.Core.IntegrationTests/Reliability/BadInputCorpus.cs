using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Reliability;

/// <summary>What a case must produce: a verbatim round trip, a typed rejection naming the field with one of the rules, or either.</summary>
internal sealed record Expectation(bool MayStore, bool MayReject, IReadOnlyList<string> Rules)
{
    public static Expectation Stored { get; } = new(true, false, []);

    public static Expectation Either { get; } = new(true, true, []);

    public static Expectation Rejected(params string[] rules) => new(false, true, rules);

    public override string ToString() =>
        MayStore && MayReject ? "stored verbatim or rejected" : MayStore ? "stored verbatim" : $"rejected ({string.Join("|", Rules)})";
}

/// <summary>
/// A string field of an entity (a VARCHAR or TEXT column, or a string member of a JSONB column): its limits and how to
/// set and read it.
/// </summary>
/// <param name="Column">The seed column (for the coverage check), for example <c>region</c>.</param>
/// <param name="Label">The name in reports; the column or a JSON member path.</param>
/// <param name="ErrorField">What <see cref="FieldError.Field"/> names (the column; JSON members may add <c>.member</c>).</param>
/// <param name="MaxLength">VARCHAR(n) or the member limit in code points; null for TEXT.</param>
/// <param name="Required">The entity requires a non-blank value.</param>
/// <param name="SingleLine">Control characters are rejected.</param>
/// <param name="Free">Any text within the limits is valid (no format); false for keys, addresses, URLs, ...</param>
/// <param name="Set">Returns the entity with the field set to a value.</param>
/// <param name="Get">Reads the field.</param>
/// <param name="LongestValid">For a formatted field, a valid value as long as the format allows (ideally the limit).</param>
/// <param name="IsKey">The field identifies the row or cannot change (an update is not tried).</param>
/// <param name="Override">An expectation that replaces the computed one for some payloads (null: no override).</param>
internal sealed record StringField<T>(
    string Column,
    string Label,
    string ErrorField,
    int? MaxLength,
    bool Required,
    bool SingleLine,
    bool Free,
    Func<T, string?, T> Set,
    Func<T, string?> Get,
    string? LongestValid = null,
    bool IsKey = false,
    Func<string?, Expectation?>? Override = null
);

/// <summary>A non-string case (number, id, time, JSON): a change to a valid entity and what it must produce.</summary>
internal sealed record ValueCase<T>(string Column, string Name, Func<T, T> Mutate, Expectation Expect, Func<T, object?> Probe, bool IsKey = false);

/// <summary>The outcome of one entity's corpus on one store.</summary>
internal sealed record CorpusReport(string Table, int Cases, int Writes, int Stored, int Rejected, IReadOnlyList<string> Failures);

/// <summary>One entity's part of the corpus, runnable on any <see cref="IContractStore"/>.</summary>
internal interface ICorpusEntity
{
    string Table { get; }

    /// <summary>The seed columns this entity's cases cover (string fields and value cases).</summary>
    IEnumerable<string> CoveredColumns { get; }

    /// <summary>The string fields: seed column, report label, limit in code points (null for TEXT).</summary>
    IEnumerable<(string Column, string Label, int? MaxLength)> StringFields { get; }

    int CaseCount { get; }

    Task<CorpusReport> RunAsync(IContractStore store);
}

/// <summary>The payloads every string field gets, and what each must produce given the field's rules.</summary>
internal static class Payloads
{
    /// <summary>A treble clef, U+1D11E: one code point, two UTF-16 units, four UTF-8 bytes.</summary>
    public const string Astral = "\U0001D11E";

    public static IEnumerable<(string Name, string? Value)> For(string table, int? maxLength)
    {
        foreach (var (name, value) in Injections(table))
        {
            yield return (name, value);
        }

        yield return ("null", null);
        yield return ("empty", "");
        yield return ("white space", "   ");
        yield return ("NUL inside", "a\0b");
        yield return ("NUL only", "\0");
        yield return ("NUL at end", "abc\0");
        yield return ("C0 and DEL controls", "a\u0001b\u001b[2Jc\u007f");
        yield return ("CR LF tab", "line1\r\nline2\tend");
        yield return ("C1 control NEL", "a\u0085b");
        yield return ("lone high surrogate", "a\uD800b");
        yield return ("lone low surrogate", "\uDC00");
        yield return ("reversed surrogate pair", "\uDC00\uD800");
        yield return ("combining, ZWJ, bidi override, BOM", "e\u0301\U0001F469\u200D\U0001F467 \u202Eabc\uFEFF");
        yield return ("noncharacters and U+10FFFF", "\uFFFE\uFFFF\U0010FFFF");
        yield return ("line and paragraph separators", "a\u2028b\u2029c");
        yield return ("backslashes and dollar quotes", @"\\' \"" \\x00 E'\000' $t$x$t$ \N");
        yield return ("very long Unicode (100,000 code points)", LongUnicode(100_000));
        if (maxLength is int max)
        {
            yield return ($"astral at limit ({max} code points)", Repeat(Astral, max));
            yield return ($"astral one past limit ({max + 1} code points)", Repeat(Astral, max + 1));
            yield return ($"ASCII at limit ({max})", new string('a', max));
            yield return ($"ASCII one past limit ({max + 1})", new string('a', max + 1));
            yield return ($"BMP CJK one past limit ({max + 1})", new string('\u6F22', max + 1));
        }
    }

    public static IEnumerable<(string Name, string Value)> Injections(string table) =>
    [
        ("injection: drop table", $"'; DROP TABLE {table}; --"),
        ("injection: drop table, no spaces", $"';DROP/**/TABLE/**/{table};--"),
        ("injection: tautology", "' OR '1'='1"),
        ("injection: delete", $"\"; DELETE FROM {table} WHERE ''='"),
        ("injection: truncate cascade", $"'); TRUNCATE {table} CASCADE; --"),
        ("injection: dollar quote", $"$$; DROP TABLE {table}; $$"),
        ("injection: stacked update", $"1; UPDATE {table} SET updated = NULL; --"),
        ("injection: comment and like", "%' AND 1=1 /*"),
        ("injection: positional parameter text", "$1 $2 ::text"),
    ];

    /// <summary>What the payload must produce on <paramref name="field"/>.</summary>
    public static Expectation Expect<T>(StringField<T> field, string? value)
    {
        if (field.Override?.Invoke(value) is { } overridden)
        {
            return overridden;
        }

        if (value is null)
        {
            return field.Required ? Expectation.Rejected("required") : Expectation.Stored;
        }

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            return Expectation.Rejected("no_nul");
        }

        if (HasUnpairedSurrogate(value))
        {
            return Expectation.Rejected("utf16");
        }

        if (field.MaxLength is int max && CodePoints(value) > max)
        {
            return Expectation.Rejected("max_length");
        }

        if (field.Required && string.IsNullOrWhiteSpace(value))
        {
            // A formatted field may report its format rule instead of "required".
            return field.Free ? Expectation.Rejected("required") : Expectation.Rejected("required", FormatRuleWildcard);
        }

        if (field.SingleLine && value.Any(char.IsControl))
        {
            return field.Free ? Expectation.Rejected("no_control") : Expectation.Rejected("no_control", FormatRuleWildcard);
        }

        return field.Free ? Expectation.Stored : Expectation.Either;
    }

    /// <summary>Accepts any rule on the field (a formatted field may report its format rule first).</summary>
    public const string FormatRuleWildcard = "*";

    public static int CodePoints(string value) => value.EnumerateRunes().Count();

    public static string Repeat(string unit, int count)
    {
        var builder = new StringBuilder(unit.Length * count);
        for (var i = 0; i < count; i++)
        {
            builder.Append(unit);
        }

        return builder.ToString();
    }

    /// <summary>Cyclic mix of ASCII, Latin with combining marks, Greek, Hebrew, CJK, emoji with ZWJ and astral code points.</summary>
    public static string LongUnicode(int codePoints)
    {
        string[] units = ["a", "\u00E9", "e", "\u0301", "\u03A9", "\u05D0", "\u6F22", "\U0001F600", "\u200D", "\U0001D11E", "\u0915", " ", "\n"];
        var builder = new StringBuilder(codePoints * 2);
        for (var i = 0; i < codePoints; i++)
        {
            builder.Append(units[i % units.Length]);
        }

        return builder.ToString();
    }

    public static bool HasUnpairedSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// One entity's corpus: every string field gets every payload and every value case runs, through the repository's
/// add (a new row) and update (an existing row) operations. A stored case must read back verbatim; a rejected one must
/// be an <see cref="EntityValidationException"/> naming the field and the rule, with nothing stored (the new row absent,
/// the row count unchanged, the existing row unchanged). Any other exception is a failure.
/// </summary>
internal sealed class CorpusEntity<T> : ICorpusEntity
    where T : class
{
    public required string Table { get; init; }

    /// <summary>A valid, unsaved entity with unique keys; registers the host rows it refers to.</summary>
    public required Func<IContractStore, Task<T>> NewAsync { get; init; }

    public required Func<IContractStore, T, Task<T>> AddAsync { get; init; }

    /// <summary>(stored, changed) → the updated row.</summary>
    public required Func<IContractStore, T, T, Task<T>> UpdateAsync { get; init; }

    public required Func<IContractStore, T, Task<T?>> GetAsync { get; init; }

    public required Func<IContractStore, T, Task> DeleteAsync { get; init; }

    /// <summary>The number of rows of the table, when the repository can count; null otherwise.</summary>
    public Func<IContractStore, Task<long>>? CountAsync { get; init; }

    public IReadOnlyList<StringField<T>> Strings { get; init; } = [];

    public IReadOnlyList<ValueCase<T>> Values { get; init; } = [];

    public IEnumerable<string> CoveredColumns => Strings.Select(s => s.Column).Concat(Values.Select(v => v.Column)).Distinct();

    public IEnumerable<(string Column, string Label, int? MaxLength)> StringFields => Strings.Select(s => (s.Column, s.Label, s.MaxLength));

    public int CaseCount =>
        Strings.Sum(s => Payloads.For(Table, s.MaxLength).Count() + (s.LongestValid is null ? 0 : 1)) + Values.Count;

    public async Task<CorpusReport> RunAsync(IContractStore store)
    {
        var run = new Run(this, store);
        foreach (var field in Strings)
        {
            var payloads = Payloads.For(Table, field.MaxLength).Select(p => (p.Name, p.Value, Expect: Payloads.Expect(field, p.Value))).ToList();
            if (field.LongestValid is { } longest)
            {
                payloads.Add(($"longest valid ({Payloads.CodePoints(longest)} code points)", longest, Expectation.Stored));
            }

            foreach (var (name, value, expect) in payloads)
            {
                await run.CaseAsync(
                    field.Label,
                    field.ErrorField,
                    name,
                    e => field.Set(e, value),
                    e => field.Get(e),
                    expect,
                    field.IsKey
                ).ConfigureAwait(false);
            }
        }

        foreach (var value in Values)
        {
            await run.CaseAsync(value.Column, value.Column, value.Name, value.Mutate, value.Probe, value.Expect, value.IsKey).ConfigureAwait(false);
        }

        return new CorpusReport(Table, run.Cases, run.Writes, run.StoredCount, run.RejectedCount, run.Failures);
    }

    private sealed class Run(CorpusEntity<T> entity, IContractStore store)
    {
        public int Cases { get; private set; }

        public int Writes { get; private set; }

        public int StoredCount { get; private set; }

        public int RejectedCount { get; private set; }

        public List<string> Failures { get; } = [];

        public async Task CaseAsync(
            string label,
            string errorField,
            string name,
            Func<T, T> mutate,
            Func<T, object?> probe,
            Expectation expect,
            bool isKey
        )
        {
            Cases++;
            var where = $"{entity.Table}.{label} / {name} (expected {expect})";
            try
            {
                await AddPathAsync(where, errorField, mutate, probe, expect, isKey).ConfigureAwait(false);
                if (!isKey)
                {
                    await UpdatePathAsync(where, errorField, mutate, probe, expect).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Failures.Add($"{where}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        private async Task AddPathAsync(string where, string errorField, Func<T, T> mutate, Func<T, object?> probe, Expectation expect, bool isKey)
        {
            var candidate = mutate(await entity.NewAsync(store).ConfigureAwait(false));
            var countBefore = entity.CountAsync is null ? (long?)null : await entity.CountAsync(store).ConfigureAwait(false);
            Writes++;
            T stored;
            try
            {
                stored = await entity.AddAsync(store, candidate).ConfigureAwait(false);
            }
            catch (EntityValidationException ex)
            {
                RejectedCount++;
                CheckRejection($"{where} [add]", errorField, expect, ex);
                if (countBefore is long before && await entity.CountAsync!(store).ConfigureAwait(false) != before)
                {
                    Failures.Add($"{where} [add]: rejected but the row count changed");
                }

                if (!(isKey && countBefore is not null) && await entity.GetAsync(store, candidate).ConfigureAwait(false) is not null)
                {
                    Failures.Add($"{where} [add]: rejected but the row was stored");
                }

                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Failures.Add($"{where} [add]: untyped failure {ex.GetType().FullName}: {ex.Message}");
                return;
            }

            StoredCount++;
            if (!expect.MayStore)
            {
                Failures.Add($"{where} [add]: stored, but it must be rejected");
            }

            var read = await entity.GetAsync(store, stored).ConfigureAwait(false);
            CheckRoundTrip($"{where} [add]", probe(candidate), read is null ? "<missing row>" : probe(read));
            await entity.DeleteAsync(store, stored).ConfigureAwait(false);
        }

        private async Task UpdatePathAsync(string where, string errorField, Func<T, T> mutate, Func<T, object?> probe, Expectation expect)
        {
            var existing = await entity.AddAsync(store, await entity.NewAsync(store).ConfigureAwait(false)).ConfigureAwait(false);
            var changed = mutate(existing);
            Writes++;
            try
            {
                await entity.UpdateAsync(store, existing, changed).ConfigureAwait(false);
            }
            catch (EntityValidationException ex)
            {
                RejectedCount++;
                CheckRejection($"{where} [update]", errorField, expect, ex);
                var after = await entity.GetAsync(store, existing).ConfigureAwait(false);
                if (!Equals(after, existing))
                {
                    Failures.Add($"{where} [update]: rejected but the existing row changed");
                }

                await entity.DeleteAsync(store, existing).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Failures.Add($"{where} [update]: untyped failure {ex.GetType().FullName}: {ex.Message}");
                await entity.DeleteAsync(store, existing).ConfigureAwait(false);
                return;
            }

            StoredCount++;
            if (!expect.MayStore)
            {
                Failures.Add($"{where} [update]: stored, but it must be rejected");
            }

            var read = await entity.GetAsync(store, changed).ConfigureAwait(false);
            CheckRoundTrip($"{where} [update]", probe(changed), read is null ? "<missing row>" : probe(read));
            await entity.DeleteAsync(store, changed).ConfigureAwait(false);
        }

        private void CheckRejection(string where, string errorField, Expectation expect, EntityValidationException ex)
        {
            if (!expect.MayReject)
            {
                Failures.Add($"{where}: rejected ({Describe(ex)}), but it must be stored verbatim");
                return;
            }

            var onField = ex.Errors.Where(e => e.Field == errorField || e.Field.StartsWith(errorField + ".", StringComparison.Ordinal)).ToList();
            if (onField.Count == 0)
            {
                Failures.Add($"{where}: rejected without naming {errorField} ({Describe(ex)})");
            }
            else if (expect.Rules.Count > 0 && !expect.Rules.Contains(Payloads.FormatRuleWildcard) && !onField.Any(e => expect.Rules.Contains(e.Rule)))
            {
                Failures.Add($"{where}: rejected with the wrong rule ({Describe(ex)})");
            }

            if (ex.Entity.Length == 0 || !ex.Message.Contains(errorField.Split('.')[0], StringComparison.Ordinal))
            {
                Failures.Add($"{where}: the message does not name the field: {ex.Message}");
            }
        }

        private void CheckRoundTrip(string where, object? written, object? read)
        {
            var same = written is string w && read is string r ? string.Equals(w, r, StringComparison.Ordinal) : Equals(written, read);
            if (!same)
            {
                Failures.Add($"{where}: not stored verbatim: wrote {Show(written)}, read {Show(read)}");
            }
        }

        private static string Describe(EntityValidationException ex) => string.Join(", ", ex.Errors.Select(e => $"{e.Field}:{e.Rule}"));

        private static string Show(object? value) => value switch
        {
            null => "null",
            string s when s.Length > 40 => $"\"{s[..40]}...\" ({s.Length} UTF-16 units)",
            string s => $"\"{s}\"",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            JsonElement j => j.GetRawText(),
            _ => value.ToString() ?? "",
        };
    }
}
