namespace PenguinMails.Infrastructure.Core.Tenants;

/// <summary>A password rule of <see cref="TenantPolicies"/>.</summary>
public enum PasswordRule
{
    /// <summary>At least <see cref="TenantPolicies.PasswordMinLength"/> characters (Unicode scalar values).</summary>
    MinimumLength,

    /// <summary>At least one uppercase letter (Unicode category Lu), when <see cref="TenantPolicies.PasswordRequireUppercase"/>.</summary>
    Uppercase,

    /// <summary>At least one decimal digit (Unicode category Nd), when <see cref="TenantPolicies.PasswordRequireNumbers"/>.</summary>
    Number,

    /// <summary>
    /// At least one symbol, when <see cref="TenantPolicies.PasswordRequireSymbols"/>: a character in a Unicode punctuation
    /// (Pc, Pd, Ps, Pe, Pi, Pf, Po) or symbol (Sm, Sc, Sk, So) category — for example <c>! @ # $ % ^ &amp; * - _ + = ~ €</c>.
    /// Spaces, letters, digits, marks and control characters are not symbols.
    /// </summary>
    Symbol,
}
