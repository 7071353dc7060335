using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Internal;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>The PostgreSQL implementation of <see cref="ITenantConfigRepository"/> on a singleton <see cref="NpgsqlDataSource"/>.</summary>
public sealed class NpgsqlTenantConfigRepository : ITenantConfigRepository
{
    private const string Entity = nameof(TenantConfig);

    private const string Columns =
        "tenant_id, stripe_customer_id, billing_email, billing_address::text, notify_on_billing_changes, notify_on_system_updates, "
        + "notify_on_security_alerts, theme_primary_color, theme_logo_url, theme_favicon_url, ui_sidebar_default_collapsed, "
        + "ui_date_format, ui_timezone, created, updated";

    private const string InsertColumns =
        "tenant_id, stripe_customer_id, billing_email, billing_address, notify_on_billing_changes, notify_on_system_updates, "
        + "notify_on_security_alerts, theme_primary_color, theme_logo_url, theme_favicon_url, ui_sidebar_default_collapsed, "
        + "ui_date_format, ui_timezone, created, updated";

    private readonly PgExecutor _db;
    private readonly TimeProvider _time;
    private readonly string _selectById;
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
    public NpgsqlTenantConfigRepository(NpgsqlDataSource dataSource, string schema = SchemaName.Default, TimeProvider? timeProvider = null)
        : this(new PgExecutor(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), SchemaName.Validate(schema)), timeProvider ?? TimeProvider.System) { }

    internal NpgsqlTenantConfigRepository(PgExecutor db, TimeProvider timeProvider)
    {
        _db = db;
        _time = timeProvider;
        var table = SchemaName.Render("$(schema).tenant_config", db.Schema);
        var select = "SELECT " + Columns + " FROM " + table;
        _selectById = select + " WHERE tenant_id = $1";
        _selectFirstPage = select + " ORDER BY tenant_id LIMIT $1";
        _selectNextPage = select + " WHERE tenant_id > $2 ORDER BY tenant_id LIMIT $1";
        _count = "SELECT count(*) FROM " + table;
        _insert =
            "INSERT INTO " + table + " (" + InsertColumns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING " + Columns;
        _update =
            "UPDATE " + table + " SET stripe_customer_id = $2, billing_email = $3, billing_address = $4, notify_on_billing_changes = $5, "
            + "notify_on_system_updates = $6, notify_on_security_alerts = $7, theme_primary_color = $8, theme_logo_url = $9, "
            + "theme_favicon_url = $10, ui_sidebar_default_collapsed = $11, ui_date_format = $12, ui_timezone = $13, "
            + "updated = GREATEST($14, updated + interval '1 microsecond') WHERE tenant_id = $1 AND updated = $15 RETURNING " + Columns;
        _delete = "DELETE FROM " + table + " WHERE tenant_id = $1";
    }

    /// <inheritdoc />
    public Task<TenantConfig?> GetAsync(TenantId tenantId, CancellationToken cancellationToken = default) =>
        _db.ExecuteAsync(Statement.Read, Entity, tenantId, _selectById, tenantId.Value, static (p, id) => p.Uuid(id), ReadOneAsync, cancellationToken);

    /// <inheritdoc />
    public Task<Page<TenantConfig>> ListAsync(PageRequest? page = null, CancellationToken cancellationToken = default) =>
        _db.PageByUuidAsync(Entity, _selectFirstPage, _selectNextPage, page, Read, static x => x.TenantId.Value, cancellationToken);

    /// <inheritdoc />
    public Task<long> CountAsync(CancellationToken cancellationToken = default) => _db.CountAsync(Entity, _count, cancellationToken);

    /// <inheritdoc />
    public async Task<TenantConfig> AddAsync(TenantConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        EntityValidation.EnsureValid(config);
        var stored = await _db.ExecuteAsync(Statement.Write, Entity, config.TenantId, _insert, (config, now: StoreClock.Now(_time)), Bind, ReadOneAsync, cancellationToken)
            .ConfigureAwait(false);
        return stored!;
    }

    /// <inheritdoc />
    public async Task<TenantConfig> UpdateAsync(TenantConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        EntityValidation.EnsureValid(config);
        var stored = await _db.ExecuteAsync(
                Statement.Write,
                Entity,
                config.TenantId,
                _update,
                (config, now: StoreClock.Now(_time)),
                static (p, s) =>
                {
                    Bind(p, s);
                    p.TimestampTz(s.config.Updated);
                },
                ReadOneAsync,
                cancellationToken
            )
            .ConfigureAwait(false);
        return stored
            ?? throw await PgReads.MissedAsync(GetAsync(config.TenantId, cancellationToken), Entity, config.TenantId.ToString()).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(TenantId tenantId, CancellationToken cancellationToken = default) =>
        _db.DeleteAsync(Entity, tenantId, _delete, tenantId.Value, static (p, id) => p.Uuid(id), cancellationToken);

    /// <summary>Binds $1..$14: the columns in order, then the store's time.</summary>
    private static void Bind(NpgsqlParameterCollection p, (TenantConfig config, DateTimeOffset now) s)
    {
        var c = s.config;
        p.Uuid(c.TenantId.Value);
        p.Text(c.StripeCustomerId);
        p.Text(c.BillingEmail);
        p.Jsonb(c.BillingAddress?.ToJson());
        p.Bool(c.NotifyOnBillingChanges);
        p.Bool(c.NotifyOnSystemUpdates);
        p.Bool(c.NotifyOnSecurityAlerts);
        p.Text(c.ThemePrimaryColor);
        p.Text(c.ThemeLogoUrl);
        p.Text(c.ThemeFaviconUrl);
        p.Bool(c.UiSidebarDefaultCollapsed);
        p.Text(c.UiDateFormat);
        p.Text(c.UiTimezone);
        p.TimestampTz(s.now);
    }

    private static Task<TenantConfig?> ReadOneAsync<TState>(NpgsqlDataReader reader, TState state, CancellationToken cancellationToken) =>
        PgReads.OneAsync(reader, Read, cancellationToken);

    internal static TenantConfig Read(NpgsqlDataReader r)
    {
        const string T = TenantConfig.TableName;
        var id = r.GetGuid(0);
        var key = new RowKey(id);
        return new TenantConfig
        {
            TenantId = new TenantId(id),
            StripeCustomerId = r.TextOrNull(1),
            BillingEmail = r.TextOrNull(2),
            BillingAddress = r.TextOrNull(3) is { } json ? ReadBillingAddress(json, key) : null,
            NotifyOnBillingChanges = r.RequiredBool(4, T, key),
            NotifyOnSystemUpdates = r.RequiredBool(5, T, key),
            NotifyOnSecurityAlerts = r.RequiredBool(6, T, key),
            ThemePrimaryColor = r.TextOrNull(7),
            ThemeLogoUrl = r.TextOrNull(8),
            ThemeFaviconUrl = r.TextOrNull(9),
            UiSidebarDefaultCollapsed = r.RequiredBool(10, T, key),
            UiDateFormat = r.TextOrNull(11),
            UiTimezone = r.TextOrNull(12),
            Created = r.RequiredTimestamp(13, T, key),
            Updated = r.RequiredTimestamp(14, T, key),
        };
    }

    /// <summary>Reads the address JSON; an unreadable one is reported with the row key and the start of the value.</summary>
    internal static BillingAddress ReadBillingAddress(string json, RowKey rowKey)
    {
        try
        {
            return BillingAddress.FromJson(json);
        }
        catch (UnknownDatabaseValueException ex)
        {
            throw new UnknownDatabaseValueException(TenantConfig.TableName, BillingAddress.ColumnName, JsonColumn.Snippet(json), rowKey.ToString(), ex.InnerException ?? ex);
        }
    }
}
