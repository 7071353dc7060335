using Npgsql;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>
/// Reports a DELETE blocked by a foreign key (no ON DELETE action) as <see cref="EntityInUseException"/>. A
/// foreign-key violation raised by a DELETE can only mean that rows still refer to the deleted one; PostgreSQL names
/// the referencing table in the error's table field, and says "still referenced" only in the DETAIL, which Npgsql
/// redacts by default, so the generic translation cannot tell this case from a missing reference.
/// </summary>
internal static class DeleteGuard
{
    public static async Task<bool> InUseOnForeignKeyAsync(Task<bool> delete, string entity, string id)
    {
        try
        {
            return await delete.ConfigureAwait(false);
        }
        catch (ReferencedEntityMissingException ex) when (ex.InnerException is PostgresException pg)
        {
            throw new EntityInUseException(entity, id, pg.TableName ?? "another table", pg);
        }
    }
}
