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
        // Allocation per row is kept to the entity's own Validate(): the row prefix ("[3].") is built only for a row with
        // an error, and both duplicate maps are sized once for the whole batch.
        List<FieldError>? errors = null;
        var ids = new Dictionary<Guid, int>(ips.Count);
        var addresses = new Dictionary<(Guid?, string), int>(ips.Count);
        var index = 0;
        foreach (var ip in ips)
        {
            if (ip is null)
            {
                (errors ??= []).Add(new FieldError($"[{index}]", "required", $"[{index}] must not be null."));
                index++;
                continue;
            }

            string? prefix = null;
            AddInsertErrors(ref errors, ip, index, ref prefix);
            if (!ids.TryAdd(ip.Id.Value, index))
            {
                prefix ??= Prefix(index);
                (errors ??= []).Add(new FieldError(prefix + "id", "duplicate", $"{prefix}id repeats the id of row [{ids[ip.Id.Value]}]."));
            }

            if (ip.IpAddress is not null && !addresses.TryAdd((ip.VpsInstanceId?.Value, ip.IpAddress), index))
            {
                prefix ??= Prefix(index);
                (errors ??= []).Add(
                    new FieldError(
                        prefix + "ip_address",
                        "duplicate",
                        $"{prefix}ip_address repeats the vps_instance_id and ip_address of row [{addresses[(ip.VpsInstanceId?.Value, ip.IpAddress)]}]."
                    )
                );
            }

            index++;
        }

        if (errors is { Count: > 0 })
        {
            throw new EntityValidationException(Entity, errors);
        }
    }

    private static string Prefix(int index) => $"[{index}].";

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

        if (!IsInitialOrUndefined(ip.Status))
        {
            errors.Add(NotInitial(prefix));
        }

        return errors;
    }

    // The batch form of InsertErrors: appends to a list created at the first error, prefixed with "[index]."; no
    // allocation beyond Validate() for a valid row.
    private static void AddInsertErrors(ref List<FieldError>? errors, SmtpIpAddress ip, int index, ref string? prefix)
    {
        var found = ip.Validate();
        var notInitial = !IsInitialOrUndefined(ip.Status);
        if (found.Count == 0 && !notInitial)
        {
            return;
        }

        prefix ??= Prefix(index);
        errors ??= [];
        for (var i = 0; i < found.Count; i++)
        {
            var e = found[i];
            errors.Add(new FieldError(prefix + e.Field, e.Rule, prefix + e.Message));
        }

        if (notInitial)
        {
            errors.Add(NotInitial(prefix));
        }
    }

    private static bool IsInitialOrUndefined(SmtpIpAddressStatus status) =>
        status == SmtpIpAddressLifecycle.Definition.Initial || !SmtpIpAddressStatusExtensions.Map.IsDefined(status);

    private static FieldError NotInitial(string prefix) =>
        new(
            prefix + "status",
            "initial",
            $"{prefix}status of a new IP must be '{SmtpIpAddressLifecycle.Definition.NameOf(SmtpIpAddressLifecycle.Definition.Initial)}'."
        );
}
