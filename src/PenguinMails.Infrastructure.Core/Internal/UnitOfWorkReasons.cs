namespace PenguinMails.Infrastructure.Core.Internal;

/// <summary>The reasons a <see cref="UnitOfWorkAbortedException"/> gives, the same on every store.</summary>
internal static class UnitOfWorkReasons
{
    public const string Ended = "it has been committed or rolled back";

    public const string EarlierFailure = "an earlier operation failed in the database; roll it back";

    public const string EarlierFailureNothingCommitted = "an earlier operation failed in the database; nothing was committed";

    public const string ConnectionBroke = "its connection to the database broke and the server discarded its transaction; nothing was committed";
}
