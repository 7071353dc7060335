namespace PenguinMails.Infrastructure.Core.SmtpIps;

/// <summary>Checks shared by every store before an SMTP IP is written.</summary>
internal static class SmtpIpAddressRules
{
    private const string Entity = nameof(SmtpIpAddress);

    /// <summary>Validates a new IP: every field rule, and the status must be the lifecycle's initial one.</summary>
    public static void EnsureInsertable(SmtpIpAddress ip)
    {
        var errors = InsertErrors(ip, "");
        if (errors.Count > 0)
        {
            throw new EntityValidationException(Entity, errors);
        }
    }

    /// <summary>
    /// Validates a batch before any I/O: every row as <see cref="EnsureInsertable"/> does, and no id or
    /// (vps_instance_id, ip_address) twice. Field names carry the row index: <c>[3].ip_address</c>.
    /// </summary>
    public static void EnsureImportable(IReadOnlyCollection<SmtpIpAddress> ips)
    {
        var errors = new List<FieldError>();
        var ids = new Dictionary<Guid, int>();
        var addresses = new Dictionary<(Guid?, string), int>();
        var index = 0;
        foreach (var ip in ips)
        {
            var prefix = $"[{index}].";
            if (ip is null)
            {
                errors.Add(new FieldError($"[{index}]", "required", $"[{index}] must not be null."));
                index++;
                continue;
            }

            errors.AddRange(InsertErrors(ip, prefix));
            if (!ids.TryAdd(ip.Id.Value, index))
            {
                errors.Add(new FieldError(prefix + "id", "duplicate", $"{prefix}id repeats the id of row [{ids[ip.Id.Value]}]."));
            }

            if (ip.IpAddress is not null && !addresses.TryAdd((ip.VpsInstanceId?.Value, ip.IpAddress), index))
            {
                errors.Add(
                    new FieldError(
                        prefix + "ip_address",
                        "duplicate",
                        $"{prefix}ip_address repeats the vps_instance_id and ip_address of row [{addresses[(ip.VpsInstanceId?.Value, ip.IpAddress)]}]."
                    )
                );
            }

            index++;
        }

        if (errors.Count > 0)
        {
            throw new EntityValidationException(Entity, errors);
        }
    }

    /// <summary>The error of an <c>assigned_count</c> change that would leave 0..<see cref="int.MaxValue"/>, or null.</summary>
    public static EntityValidationException? AssignedCountError(int current, int delta)
    {
        var next = (long)current + delta;
        if (next < 0)
        {
            return new EntityValidationException(
                Entity,
                [new FieldError("assigned_count", "non_negative", $"assigned_count must not go below 0 (it is {current}, the change is {delta}).")]
            );
        }

        return next > int.MaxValue
            ? new EntityValidationException(
                Entity,
                [new FieldError("assigned_count", "range", $"assigned_count must not exceed {int.MaxValue} (it is {current}, the change is {delta}).")]
            )
            : null;
    }

    private static List<FieldError> InsertErrors(SmtpIpAddress ip, string prefix)
    {
        var errors = new List<FieldError>();
        foreach (var e in ip.Validate())
        {
            errors.Add(prefix.Length == 0 ? e : new FieldError(prefix + e.Field, e.Rule, prefix + e.Message));
        }

        if (ip.Status != SmtpIpAddressLifecycle.Definition.Initial && SmtpIpAddressStatusExtensions.Map.IsDefined(ip.Status))
        {
            errors.Add(
                new FieldError(
                    prefix + "status",
                    "initial",
                    $"{prefix}status of a new IP must be '{SmtpIpAddressLifecycle.Definition.NameOf(SmtpIpAddressLifecycle.Definition.Initial)}'."
                )
            );
        }

        return errors;
    }
}
