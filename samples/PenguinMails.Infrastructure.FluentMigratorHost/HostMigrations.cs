using FluentMigrator;

namespace PenguinMails.Infrastructure.FluentMigratorHost;

/// <summary>The host platform's own tables, which the package's tables reference: users, tenants, domains.</summary>
[Migration(2026_01_01_0001, "host: users, tenants, domains")]
public sealed class CreateHostTables : Migration
{
    /// <inheritdoc />
    public override void Up()
    {
        Create.Table("users").WithColumn("id").AsGuid().PrimaryKey().WithColumn("email").AsString(320).NotNullable();
        Create.Table("tenants").WithColumn("id").AsGuid().PrimaryKey().WithColumn("name").AsString(200).NotNullable();
        Create.Table("domains")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("tenant_id").AsGuid().NotNullable().ForeignKey("fk_domains_tenant_id", "tenants", "id")
            .WithColumn("name").AsString(253).NotNullable();
    }

    /// <inheritdoc />
    public override void Down()
    {
        Delete.Table("domains");
        Delete.Table("tenants");
        Delete.Table("users");
    }
}

/// <summary>A host table that references one of the package's tables, so it must run after the package's migrations.</summary>
[Migration(2026_01_01_0002, "host: domain_sending_notes referencing the package's smtp_ip_addresses")]
public sealed class CreateDomainSendingNotes : Migration
{
    /// <inheritdoc />
    public override void Up() =>
        Create.Table("domain_sending_notes")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("domain_id").AsGuid().NotNullable().ForeignKey("fk_domain_sending_notes_domain_id", "domains", "id")
            .WithColumn("smtp_ip_address_id").AsGuid().Nullable().ForeignKey("fk_domain_sending_notes_smtp_ip_address_id", "smtp_ip_addresses", "id")
            .WithColumn("note").AsString(500).NotNullable();

    /// <inheritdoc />
    public override void Down() => Delete.Table("domain_sending_notes");
}
