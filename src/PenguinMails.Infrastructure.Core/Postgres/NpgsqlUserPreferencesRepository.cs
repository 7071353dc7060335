using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Internal;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>The PostgreSQL implementation of <see cref="IUserPreferencesRepository"/> on a singleton <see cref="NpgsqlDataSource"/>.</summary>
public sealed class NpgsqlUserPreferencesRepository : IUserPreferencesRepository
{
    private const string Entity = nameof(UserPreferences);

    private const string Columns =
        "id, user_id, theme, language, timezone, email_notifications, push_notifications, weekly_reports, marketing_emails, created, updated";

    private readonly PgExecutor _db;
    private readonly TimeProvider _time;
    private readonly string _selectById;
    private readonly string _selectByUser;
    private readonly string _selectFirstPage;
    private readonly string _selectNextPage;
    private readonly string _count;
    private readonly string _insert;
    private readonly string _update;
    private readonly string _delete;

    /// <summary>Initializes a repository over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The application's singleton data source.</param>
    /// <param name="schema">The schema the tables live in; <c>public</c> by default.</param>
    /// <param name="timeProvider">The clock for <c>created</c>/<c>updated</c>; the system clock by default.</param>
    public NpgsqlUserPreferencesRepository(NpgsqlDataSource dataSource, string schema = SchemaName.Default, TimeProvider? timeProvider = null)
        : this(new PgExecutor(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), SchemaName.Validate(schema)), timeProvider ?? TimeProvider.System) { }

    internal NpgsqlUserPreferencesRepository(PgExecutor db, TimeProvider timeProvider)
    {
        _db = db;
        _time = timeProvider;
        var table = SchemaName.Render("$(schema).user_preferences", db.Schema);
        var select = "SELECT " + Columns + " FROM " + table;
        _selectById = select + " WHERE id = $1";
        _selectByUser = select + " WHERE user_id = $1";
        _selectFirstPage = select + " ORDER BY id LIMIT $1";
        _selectNextPage = select + " WHERE id > $2 ORDER BY id LIMIT $1";
        _count = "SELECT count(*) FROM " + table;
        _insert = "INSERT INTO " + table + " (" + Columns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING " + Columns;
        _update =
            "UPDATE " + table + " SET theme = $2, language = $3, timezone = $4, email_notifications = $5, push_notifications = $6, "
            + "weekly_reports = $7, marketing_emails = $8, updated = GREATEST($9, updated + interval '1 microsecond') "
            + "WHERE id = $1 AND updated = $10 AND user_id = $11 RETURNING " + Columns;
        _delete = "DELETE FROM " + table + " WHERE id = $1";
    }

    /// <inheritdoc />
    public Task<UserPreferences?> GetAsync(UserPreferencesId id, CancellationToken cancellationToken = default) =>
        _db.ExecuteAsync(Statement.Read, Entity, id, _selectById, id.Value, static (p, id) => p.Uuid(id), ReadOneAsync, cancellationToken);

    /// <inheritdoc />
    public Task<UserPreferences?> GetByUserIdAsync(UserId userId, CancellationToken cancellationToken = default) =>
        _db.ExecuteAsync(Statement.Read, Entity, userId, _selectByUser, userId.Value, static (p, id) => p.Uuid(id), ReadOneAsync, cancellationToken);

    /// <inheritdoc />
    public Task<Page<UserPreferences>> ListAsync(PageRequest? page = null, CancellationToken cancellationToken = default) =>
        _db.PageByUuidAsync(Entity, _selectFirstPage, _selectNextPage, page, Read, static x => x.Id.Value, cancellationToken);

    /// <inheritdoc />
    public Task<long> CountAsync(CancellationToken cancellationToken = default) => _db.CountAsync(Entity, _count, cancellationToken);

    /// <inheritdoc />
    public async Task<UserPreferences> AddAsync(UserPreferences preferences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        EntityValidation.EnsureValid(preferences);
        var now = StoreClock.Now(_time);
        var stored = await _db.ExecuteAsync(
                Statement.Write,
                Entity,
                preferences.Id,
                _insert,
                (preferences, now),
                static (p, s) =>
                {
                    var v = s.preferences;
                    p.Uuid(v.Id.Value);
                    p.Uuid(v.UserId.Value);
                    p.Text(v.Theme);
                    p.Text(v.Language);
                    p.Text(v.Timezone);
                    p.Bool(v.EmailNotifications);
                    p.Bool(v.PushNotifications);
                    p.Bool(v.WeeklyReports);
                    p.Bool(v.MarketingEmails);
                    p.TimestampTz(s.now);
                },
                ReadOneAsync,
                cancellationToken
            )
            .ConfigureAwait(false);
        return stored!;
    }

    /// <inheritdoc />
    public async Task<UserPreferences> UpdateAsync(UserPreferences preferences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        EntityValidation.EnsureValid(preferences);
        var now = StoreClock.Now(_time);
        var stored = await _db.ExecuteAsync(
                Statement.Write,
                Entity,
                preferences.Id,
                _update,
                (preferences, now),
                static (p, s) =>
                {
                    var v = s.preferences;
                    p.Uuid(v.Id.Value);
                    p.Text(v.Theme);
                    p.Text(v.Language);
                    p.Text(v.Timezone);
                    p.Bool(v.EmailNotifications);
                    p.Bool(v.PushNotifications);
                    p.Bool(v.WeeklyReports);
                    p.Bool(v.MarketingEmails);
                    p.TimestampTz(s.now);
                    p.TimestampTz(v.Updated);
                    p.Uuid(v.UserId.Value);
                },
                ReadOneAsync,
                cancellationToken
            )
            .ConfigureAwait(false);
        if (stored is not null)
        {
            return stored;
        }

        var actual = await GetAsync(preferences.Id, cancellationToken).ConfigureAwait(false);
        if (actual is null)
        {
            throw new EntityNotFoundException(Entity, preferences.Id.ToString());
        }

        throw actual.UserId != preferences.UserId
            ? RequiredColumnReads.Immutable(Entity, "user_id")
            : InfraTelemetry.Conflict(new ConcurrencyConflictException(Entity, preferences.Id.ToString(), "it was updated since it was read"));
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(UserPreferencesId id, CancellationToken cancellationToken = default) =>
        _db.DeleteAsync(Entity, id, _delete, id.Value, static (p, id) => p.Uuid(id), cancellationToken);

    private static Task<UserPreferences?> ReadOneAsync<TState>(NpgsqlDataReader reader, TState state, CancellationToken cancellationToken) =>
        PgReads.OneAsync(reader, Read, cancellationToken);

    internal static UserPreferences Read(NpgsqlDataReader r)
    {
        const string T = UserPreferences.TableName;
        var id = r.GetGuid(0);
        var key = new RowKey(id);
        return new UserPreferences
        {
            Id = new UserPreferencesId(id),
            UserId = new UserId(r.RequiredUuid(1, T, key)),
            Theme = r.RequiredText(2, T, key),
            Language = r.RequiredText(3, T, key),
            Timezone = r.RequiredText(4, T, key),
            EmailNotifications = r.RequiredBool(5, T, key),
            PushNotifications = r.RequiredBool(6, T, key),
            WeeklyReports = r.RequiredBool(7, T, key),
            MarketingEmails = r.RequiredBool(8, T, key),
            Created = r.RequiredTimestamp(9, T, key),
            Updated = r.RequiredTimestamp(10, T, key),
        };
    }
}
