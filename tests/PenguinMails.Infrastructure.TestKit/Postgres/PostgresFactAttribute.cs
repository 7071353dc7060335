using Xunit;

namespace PenguinMails.Infrastructure.TestKit.Postgres;

/// <summary>
/// A test that needs PostgreSQL: skipped with the reason when no server can be had (no
/// <c>PENGUINMAILS_TEST_CONNECTION</c> and no <c>initdb</c>/<c>pg_ctl</c>), except on CI (<c>CI</c> set), where it runs
/// and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>Initializes a new instance.</summary>
    public PostgresFactAttribute()
    {
        if (PostgresServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A data-driven test that needs PostgreSQL; skipped like <see cref="PostgresFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    /// <summary>Initializes a new instance.</summary>
    public PostgresTheoryAttribute()
    {
        if (PostgresServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
