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

    private static readonly string[] Written =
    [
        "stripe_customer_id",
        "billing_email",
        "billing_address",
        "notify_on_billing_changes",
        "notify_on_system_updates",
        "notify_on_security_alerts",
        "theme_primary_color",
        "theme_logo_url",
        "theme_favicon_url",
        "ui_sidebar_default_collapsed",
        "ui_date_format",
        "ui_timezone",
    ];

    private readonly TenantRowTable<TenantConfig> _table;

    /// <summary>Initializes a repository over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The application's singleton data source.</param>
    /// <param name="schema">The schema the tables live in; <c>public</c> by default.</param>
    /// <param name="timeProvider">The clock for <c>created</c>/<c>updated</c>; the system clock by default.</param>
    public NpgsqlTenantConfigRepository(NpgsqlDataSource dataSource, string schema = SchemaName.Default, TimeProvider? timeProvider = null)
        : this(new PgExecutor(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), SchemaName.Validate(schema)), timeProvider ?? TimeProvider.System) { }

    internal NpgsqlTenantConfigRepository(PgExecutor db, TimeProvider timeProvider)
    {
        _table = new TenantRowTable<TenantConfig>(db, timeProvider, Entity, TenantConfig.TableName, Columns, Written, static x => x.TenantId, static x => x.Updated, Bind, Read);
    }

    /// <inheritdoc />
    public Task<TenantConfig?> GetAsync(TenantId tenantId, CancellationToken cancellationToken = default) => _table.GetAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    public Task<Page<TenantConfig>> ListAsync(PageRequest? page = null, CancellationToken cancellationToken = default) => _table.ListAsync(page, cancellationToken);

    /// <inheritdoc />
    public Task<long> CountAsync(CancellationToken cancellationToken = default) => _table.CountAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<TenantConfig> AddAsync(TenantConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        return await _table.AddAsync(config, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<TenantConfig> UpdateAsync(TenantConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        return await _table.UpdateAsync(config, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(TenantId tenantId, CancellationToken cancellationToken = default) => _table.DeleteAsync(tenantId, cancellationToken);

    /// <summary>Binds $1 (the tenant), then the columns of <see cref="Written"/> in order.</summary>
    private static void Bind(NpgsqlParameterCollection p, TenantConfig c)
    {
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
    }

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
