using System.Text;
using System.Text.Json;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Postgres.Schema;

namespace PenguinMails.Infrastructure.Cli;

/// <summary>
/// The <c>--output json</c> documents of <c>status</c> and <c>flags list</c>: one JSON document on standard output, with
/// snake_case names and UTC timestamps in ISO 8601 (docs/migrations.md shows the shape).
/// </summary>
internal static class CliJson
{
    public static string Status(CliContext context, SchemaStatus status) =>
        Write(w =>
        {
            WriteHeader(w, context, status.Schema);
            w.WriteBoolean("installed", true);
            w.WriteString(
                "state",
                status.Drift.Count > 0 ? "drift"
                    : status.Pending.Count > 0 ? "pending"
                    : "up_to_date"
            );
            w.WriteNumber("current_version", status.CurrentVersion);
            w.WriteNumber("latest_version", SchemaMigrations.LatestVersion);
            w.WriteStartArray("applied");
            foreach (var a in status.Applied)
            {
                w.WriteStartObject();
                w.WriteNumber("version", a.Version);
                w.WriteString("name", a.Name);
                w.WriteString("checksum", a.Checksum);
                w.WriteString("applied_at", a.AppliedAt.ToUniversalTime());
                w.WriteString("applied_by", a.AppliedBy);
                w.WriteNumber("duration_ms", a.DurationMs);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("pending");
            foreach (var m in status.Pending)
            {
                w.WriteStartObject();
                w.WriteNumber("version", m.Version);
                w.WriteString("name", m.Name);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("drift");
            foreach (var d in status.Drift)
            {
                w.WriteStartObject();
                w.WriteNumber("version", d.Version);
                w.WriteString("name", d.Name);
                w.WriteString("applied_checksum", d.AppliedChecksum);
                w.WriteString("package_checksum", d.ExpectedChecksum);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("unknown");
            foreach (var u in status.Unknown)
            {
                w.WriteStartObject();
                w.WriteNumber("version", u.Version);
                w.WriteString("name", u.Name);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });

    public static string NotInstalled(CliContext context, string schema, bool schemaExists) =>
        Write(w =>
        {
            WriteHeader(w, context, schema);
            w.WriteBoolean("installed", false);
            w.WriteBoolean("schema_exists", schemaExists);
            w.WriteString("state", "not_installed");
            w.WriteNumber("current_version", 0);
            w.WriteNumber("latest_version", SchemaMigrations.LatestVersion);
        });

    public static string Flags(IReadOnlyList<FeatureFlag> flags)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (var f in flags)
            {
                w.WriteStartObject();
                w.WriteString("key", f.Key);
                w.WriteString("description", f.Description);
                w.WriteBoolean("enabled", f.IsEnabled);
                w.WriteNumber("rollout_percentage", f.RolloutPercentage);
                w.WriteString("updated", f.Updated.ToUniversalTime());
                if (f.UpdatedBy is { } by)
                {
                    w.WriteString("updated_by", by.Value);
                }
                else
                {
                    w.WriteNull("updated_by");
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteHeader(Utf8JsonWriter w, CliContext context, string schema)
    {
        w.WriteString("target", context.Target);
        w.WriteString("schema", schema);
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
