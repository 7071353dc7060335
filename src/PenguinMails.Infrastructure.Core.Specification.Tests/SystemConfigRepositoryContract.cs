using System.Text.Json;

namespace PenguinMails.Infrastructure.Core.Specification;

/// <summary>
/// The behaviour every <see cref="ISystemConfigRepository"/> must have: derive from this class and return the store
/// under test from <c>CreateStoreAsync</c>. The package's PostgreSQL and in-memory stores pass it.
/// </summary>
public abstract class SystemConfigRepositoryContract : IAsyncLifetime
{
    private const string Secret = "sk_live_7Hq2SuperSecretValue";

    private IContractStore? _store;

    protected IContractStore Store => _store ?? throw new InvalidOperationException("not initialized");

    private ISystemConfigRepository Repo => Store.SystemConfigs;

    protected abstract Task<IContractStore> CreateStoreAsync();

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    private static string UniqueKey(string prefix = "k") => prefix + "." + Guid.NewGuid().ToString("N")[..16];

    private static string UniqueCategory() => "c-" + Guid.NewGuid().ToString("N")[..12];

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static SystemConfigEntry NewEntry(string? key = null, string json = "42", string? category = null) =>
        new() { Key = key ?? UniqueKey(), Value = Json(json), Description = "a setting", Category = category ?? UniqueCategory() };

    private async Task<UserId> NewUserAsync()
    {
        var user = UserId.New();
        await Store.AddUserAsync(user);
        return user;
    }

    [Fact]
    public async Task AddAsync_NewEntry_StoresEveryColumnAndStampsUpdatedFromClock()
    {
        var now = Store.Clock.GetUtcNow();
        var user = await NewUserAsync();
        var entry = NewEntry() with { IsSensitive = true, UpdatedBy = user };

        var stored = await Repo.AddAsync(entry);
        var read = await Repo.GetAsync(entry.Key);

        Assert.Equal(stored, read);
        Assert.Equal(entry with { Updated = now }, read);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("-1.5e3")]
    [InlineData("12345678901234567890.123456789")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("\"plain\"")]
    [InlineData("\"héllo wörld — 日本語 🐧 \\u00e9 \\\"quoted\\\" \\n line\"")]
    [InlineData("[1, \"two\", {\"three\": [3.0, null]}, [], {}]")]
    [InlineData("{ \"z\" : 1,   \"a\": {\"nested\": {\"deep\": [true, false]}}, \"m\": \"🐧\" }")]
    [InlineData("{\"smtp\": {\"host\": \"mail.example.com\", \"ports\": [25, 587], \"tls\": {\"required\": true}}}")]
    public async Task AddAsync_JsonValuesOfEveryShape_RoundTripByContent(string json)
    {
        var entry = NewEntry(json: json);

        await Repo.AddAsync(entry);
        var read = await Repo.GetAsync(entry.Key);

        Assert.NotNull(read!.Value);
        Assert.True(JsonElement.DeepEquals(Json(json), read.Value!.Value), read.Value.Value.GetRawText());
        Assert.Equal(entry with { Updated = read.Updated }, read);
    }

    [Fact]
    public async Task AddAsync_DuplicateObjectKeys_KeepTheLastAsJsonbDoes()
    {
        var entry = NewEntry(json: "{\"a\": 1, \"b\": 2, \"a\": 3}");

        var stored = await Repo.AddAsync(entry);
        var read = await Repo.GetAsync(entry.Key);

        Assert.True(JsonElement.DeepEquals(Json("{\"a\": 3, \"b\": 2}"), read!.Value!.Value));
        Assert.Equal(stored, read);
    }

    [Fact]
    public async Task AddAsync_SqlNullValue_ReadsBackAsNullNotJsonNull()
    {
        var entry = NewEntry() with { Value = null };

        await Repo.AddAsync(entry);
        var read = await Repo.GetAsync(entry.Key);

        Assert.Null(read!.Value);
        Assert.Null(read.GetValue<string>());
    }

    [Fact]
    public async Task AddAsync_TypedValue_RoundTripsThroughGetValue()
    {
        var entry = SystemConfigEntry.Create(UniqueKey(), new Limits(3, ["a.example", "b.example"], new Dictionary<string, int> { ["x"] = 1 }));

        await Repo.AddAsync(entry);
        var read = await Repo.GetAsync(entry.Key);

        var limits = read!.GetValue<Limits>();
        Assert.Equal(3, limits!.Retries);
        Assert.Equal(["a.example", "b.example"], limits.Hosts);
        Assert.Equal(1, limits.Weights["x"]);
    }

    [Fact]
    public async Task AddAsync_InvalidFields_ThrowsListingEveryFieldAndStoresNothing()
    {
        var entry = NewEntry(json: "\"a\\u0000b\"") with { Key = "Bad Key", Category = new string('c', 51), UpdatedBy = new UserId(Guid.Empty) };

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AddAsync(entry));

        Assert.Equal(["key", "value", "category", "updated_by"], ex.Errors.Select(e => e.Field));
        Assert.Null(await Repo.GetAsync(entry.Key));
    }

    [Fact]
    public async Task AddAsync_DuplicateKey_ThrowsDuplicateAndKeepsTheFirst()
    {
        var first = await Repo.AddAsync(NewEntry());

        var ex = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(NewEntry(first.Key, "7")));

        Assert.Equal("SystemConfigEntry", ex.Entity);
        Assert.Equal("primary key", ex.Key);
        Assert.Equal(first, await Repo.GetAsync(first.Key));
    }

    [Fact]
    public async Task AddAsync_UnknownUpdatedBy_ThrowsReferencedEntityMissing()
    {
        var entry = NewEntry() with { UpdatedBy = UserId.New() };

        var ex = await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.AddAsync(entry));

        Assert.Equal("updated_by", ex.Field);
        Assert.Equal("users", ex.ReferencedTable);
        Assert.Null(await Repo.GetAsync(entry.Key));
    }

    [Fact]
    public async Task Errors_OnSensitiveEntry_NeverContainTheValue()
    {
        var entry = SystemConfigEntry.Create(UniqueKey("secret"), Secret, isSensitive: true);
        var stored = await Repo.AddAsync(entry);
        await Repo.UpdateAsync(stored with { Description = "rotated" });

        var errors = new List<Exception>
        {
            await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(entry)),
            await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.UpdateAsync(stored)),
            await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.UpsertAsync(entry with { UpdatedBy = UserId.New() })),
            await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AddAsync(entry with { Description = new string('d', 501) })),
            await Assert.ThrowsAsync<EntityNotFoundException>(() => Repo.UpdateAsync(entry with { Key = UniqueKey("secret") })),
            Assert.Throws<ConfigValueFormatException>(() => stored.GetValue<int>()),
        };

        Assert.All(errors, e => Assert.DoesNotContain(Secret, e.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, stored.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"\\ud800\"", "utf16")]
    [InlineData("{\"\\udc00x\": 1}", "utf16")]
    [InlineData("[\"a\\u0000\"]", "no_nul")]
    [InlineData("1e131072", "numeric_range")]
    [InlineData("100e131070", "numeric_range")]
    [InlineData("1e-16384", "numeric_range")]
    [InlineData("1.5e-16383", "numeric_range")]
    [InlineData("0e-200000", "numeric_range")]
    [InlineData("{\"n\": [0e3000000000]}", "numeric_range")]
    public async Task AddAsync_JsonThatJsonbRejects_ThrowsValidationOnEveryStore(string json, string rule)
    {
        var entry = NewEntry(json: json);

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AddAsync(entry));

        Assert.Equal(("value", rule), (Assert.Single(ex.Errors).Field, ex.Errors[0].Rule));
        Assert.Null(await Repo.GetAsync(entry.Key));
    }

    [Theory]
    [InlineData("9e131071")]
    [InlineData("1e-16383")]
    [InlineData("123456789e-16383")]
    [InlineData("0.1e-16382")]
    [InlineData("0e200000")]
    [InlineData("-0.0e5")]
    [InlineData("\"\\ud83d\\udc27\"")]
    public async Task AddAsync_JsonAtJsonbLimits_RoundTripsByContent(string json)
    {
        var entry = NewEntry(json: json);

        await Repo.AddAsync(entry);
        var read = await Repo.GetAsync(entry.Key);

        Assert.True(JsonElement.DeepEquals(Json(json), read!.Value!.Value));
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNull()
    {
        Assert.Null(await Repo.GetAsync(UniqueKey()));
    }

    [Fact]
    public async Task UpdateAsync_Fresh_WritesEveryColumnAndMovesUpdatedEvenWhenClockStandsStill()
    {
        var user = await NewUserAsync();
        var entry = await Repo.AddAsync(NewEntry());

        var updated = await Repo.UpdateAsync(
            entry with { Value = Json("{\"b\": [1, 2], \"a\": \"ü\"}"), Description = null, Category = "other", IsSensitive = true, UpdatedBy = user }
        );

        Assert.True(JsonElement.DeepEquals(Json("{\"a\": \"ü\", \"b\": [1, 2]}"), updated.Value!.Value));
        Assert.Null(updated.Description);
        Assert.Equal("other", updated.Category);
        Assert.True(updated.IsSensitive);
        Assert.Equal(user, updated.UpdatedBy);
        Assert.Equal(entry.Updated + TimeSpan.FromMicroseconds(1), updated.Updated);
        Assert.Equal(updated, await Repo.GetAsync(entry.Key));
    }

    [Fact]
    public async Task UpdateAsync_ClockMoved_UsesClockForUpdated()
    {
        var entry = await Repo.AddAsync(NewEntry());
        Store.Clock.Advance(TimeSpan.FromMinutes(3));

        var updated = await Repo.UpdateAsync(entry with { Value = Json("43") });

        Assert.Equal(entry.Updated + TimeSpan.FromMinutes(3), updated.Updated);
    }

    [Fact]
    public async Task UpdateAsync_StaleSnapshot_ThrowsConflictAndKeepsTheFirstWrite()
    {
        var entry = await Repo.AddAsync(NewEntry());
        var first = await Repo.UpdateAsync(entry with { Value = Json("1") });

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.UpdateAsync(entry with { Value = Json("2") }));

        Assert.Equal(entry.Key, ex.Id);
        Assert.False(ex.IsTransient);
        Assert.Equal(first, await Repo.GetAsync(entry.Key));
    }

    [Fact]
    public async Task UpdateAsync_Missing_ThrowsNotFound()
    {
        var entry = NewEntry();

        var ex = await Assert.ThrowsAsync<EntityNotFoundException>(() => Repo.UpdateAsync(entry));

        Assert.Equal("SystemConfigEntry", ex.Entity);
        Assert.Equal(entry.Key, ex.Id);
    }

    [Fact]
    public async Task UpdateAsync_InvalidOrUnknownUser_ThrowsAndKeepsRow()
    {
        var entry = await Repo.AddAsync(NewEntry());

        await Assert.ThrowsAsync<EntityValidationException>(() => Repo.UpdateAsync(entry with { Description = new string('x', 501) }));
        var ex = await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.UpdateAsync(entry with { UpdatedBy = UserId.New() }));

        Assert.Equal("updated_by", ex.Field);
        Assert.Equal(entry, await Repo.GetAsync(entry.Key));
    }

    [Fact]
    public async Task UpsertAsync_NewThenExisting_InsertsThenOverwritesWithNewUpdated()
    {
        var entry = NewEntry(json: "[1]");

        var inserted = await Repo.UpsertAsync(entry);
        var overwritten = await Repo.UpsertAsync(entry with { Value = Json("{\"v\": 2}"), Description = null, Category = null });

        Assert.Equal(entry with { Updated = Store.Clock.GetUtcNow() }, inserted);
        Assert.True(JsonElement.DeepEquals(Json("{\"v\": 2}"), overwritten.Value!.Value));
        Assert.Null(overwritten.Category);
        Assert.Equal(inserted.Updated + TimeSpan.FromMicroseconds(1), overwritten.Updated);
        Assert.Equal(overwritten, await Repo.GetAsync(entry.Key));
    }

    [Fact]
    public async Task UpsertAsync_ThirtyTwoRacersOnANewKey_NeverDuplicateAndLeaveOneRow()
    {
        var key = UniqueKey();
        var category = UniqueCategory();
        using var gate = new ManualResetEventSlim(false);

        var tasks = Enumerable
            .Range(0, 32)
            .Select(i => Task.Run(async () =>
            {
                gate.Wait();
                return await Repo.UpsertAsync(NewEntry(key, i.ToString(System.Globalization.CultureInfo.InvariantCulture), category));
            }))
            .ToArray();
        gate.Set();
        var results = await Task.WhenAll(tasks);

        Assert.Equal(32, results.Select(r => r.Updated).Distinct().Count());
        var last = results.MaxBy(r => r.Updated)!;
        Assert.Equal(last, await Repo.GetAsync(key));
        Assert.Equal(1, await Repo.CountAsync(new SystemConfigFilter(category)));
    }

    [Fact]
    public async Task UpdateAsync_ThirtyTwoReadModifyWriteLoops_LoseNoUpdate()
    {
        var entry = await Repo.AddAsync(NewEntry(json: "{\"count\": 0}"));

        await Task.WhenAll(
            Enumerable
                .Range(0, 32)
                .Select(_ => Task.Run(async () =>
                {
                    while (true)
                    {
                        var current = (await Repo.GetAsync(entry.Key))!;
                        var count = current.Value!.Value.GetProperty("count").GetInt32();
                        try
                        {
                            await Repo.UpdateAsync(current with { Value = Json("{\"count\": " + (count + 1) + "}") });
                            return;
                        }
                        catch (ConcurrencyConflictException)
                        {
                            // Lost the race: read again and retry.
                        }
                    }
                }))
        );

        Assert.Equal(32, (await Repo.GetAsync(entry.Key))!.Value!.Value.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task ListAsync_Category_ReturnsMatchingInOrdinalKeyOrderAndCounts()
    {
        var category = UniqueCategory();
        var prefix = UniqueKey("list");
        string[] suffixes = ["b", "a-2", "a.1", "a_3", "0", "z", "a"];
        foreach (var s in suffixes)
        {
            await Repo.AddAsync(NewEntry(prefix + s, category: category));
        }

        await Repo.AddAsync(NewEntry());

        var page = await Repo.ListAsync(new SystemConfigFilter(category));

        Assert.Equal(suffixes.Select(s => prefix + s).Order(StringComparer.Ordinal), page.Items.Select(e => e.Key));
        Assert.Null(page.ContinuationToken);
        Assert.Equal(7, await Repo.CountAsync(new SystemConfigFilter(category)));
        Assert.Equal(0, await Repo.CountAsync(new SystemConfigFilter(UniqueCategory())));
        Assert.True(await Repo.CountAsync() >= 8);
    }

    [Fact]
    public async Task ListAsync_PagesWithInsertsBetween_VisitEachRowOnceInOrder()
    {
        var category = UniqueCategory();
        var expected = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            expected.Add((await Repo.AddAsync(NewEntry("m" + i + "." + category, category: category))).Key);
        }

        var seen = new List<string>();
        var page = await Repo.ListAsync(new SystemConfigFilter(category), new PageRequest(3));
        seen.AddRange(page.Items.Select(e => e.Key));
        var late = (await Repo.AddAsync(NewEntry("z." + category, category: category))).Key;
        var early = (await Repo.AddAsync(NewEntry("a." + category, category: category))).Key;
        while (page.ContinuationToken is not null)
        {
            page = await Repo.ListAsync(new SystemConfigFilter(category), new PageRequest(3, page.ContinuationToken));
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items.Select(e => e.Key));
        }

        Assert.Equal(expected.Append(late), seen);
        Assert.DoesNotContain(early, seen);
    }

    [Fact]
    public async Task ListAsync_BadPageRequest_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Repo.ListAsync(null, new PageRequest(0)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Repo.ListAsync(null, new PageRequest(1001)));
        await Assert.ThrowsAsync<ArgumentException>(() => Repo.ListAsync(null, new PageRequest(10, "not-a-token!")));
    }

    [Fact]
    public async Task DeleteAsync_Existing_RemovesOnce()
    {
        var entry = await Repo.AddAsync(NewEntry());

        Assert.True(await Repo.DeleteAsync(entry.Key));
        Assert.False(await Repo.DeleteAsync(entry.Key));
        Assert.Null(await Repo.GetAsync(entry.Key));
    }

    [Fact]
    public async Task UnitOfWork_CommitAcrossConfigTables_MakesEveryOperationVisible()
    {
        var user = await NewUserAsync();
        var tenant = TenantId.New();
        await Store.AddTenantAsync(tenant);
        SystemConfigEntry entry;
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            entry = await uow.SystemConfigs.AddAsync(NewEntry());
            entry = await uow.SystemConfigs.UpdateAsync(entry with { Value = Json("[\"x\"]"), UpdatedBy = user });
            await uow.FeatureFlags.AddAsync(new global::PenguinMails.Infrastructure.Core.FeatureFlags.FeatureFlag { Key = "uow-" + entry.Key.Replace('.', '-'), UpdatedBy = user });
            await uow.UserPreferences.AddAsync(Core.Preferences.UserPreferences.Default(user));
            await uow.TenantConfigs.AddAsync(Core.Tenants.TenantConfig.Default(tenant));
            await uow.TenantPolicies.AddAsync(Core.Tenants.TenantPolicies.Default(tenant));
            Assert.Equal(entry, await uow.SystemConfigs.GetAsync(entry.Key));
            await uow.CommitAsync();
        }

        Assert.Equal(entry, await Repo.GetAsync(entry.Key));
        Assert.NotNull(await Store.FeatureFlags.GetByKeyAsync("uow-" + entry.Key.Replace('.', '-')));
        Assert.NotNull(await Store.UserPreferences.GetByUserIdAsync(user));
        Assert.NotNull(await Store.TenantConfigs.GetAsync(tenant));
        Assert.NotNull(await Store.TenantPolicies.GetAsync(tenant));
    }

    [Fact]
    public async Task UnitOfWork_RollbackOrDispose_LeavesNoTrace()
    {
        var existing = await Repo.AddAsync(NewEntry());
        var user = await NewUserAsync();
        SystemConfigEntry added;
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            added = await uow.SystemConfigs.AddAsync(NewEntry());
            await uow.SystemConfigs.UpsertAsync(existing with { Value = Json("\"changed\"") });
            await uow.UserPreferences.AddAsync(Core.Preferences.UserPreferences.Default(user));
            await uow.RollbackAsync();
        }

        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.SystemConfigs.DeleteAsync(existing.Key);
            // disposed without commit
        }

        Assert.Null(await Repo.GetAsync(added.Key));
        Assert.Equal(existing, await Repo.GetAsync(existing.Key));
        Assert.Null(await Store.UserPreferences.GetByUserIdAsync(user));
    }

    [Fact]
    public async Task UnitOfWork_AfterDatabaseError_IsAbortedAndCommitsNothing()
    {
        var existing = await Repo.AddAsync(NewEntry());
        var first = NewEntry();
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.SystemConfigs.AddAsync(first);
            await Assert.ThrowsAsync<DuplicateEntityException>(() => uow.SystemConfigs.AddAsync(NewEntry(existing.Key)));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.SystemConfigs.GetAsync(first.Key));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.CommitAsync());
        }

        Assert.Null(await Repo.GetAsync(first.Key));
    }

    [Fact]
    public async Task UnitOfWork_ValidationOrStaleUpdate_DoesNotAbort()
    {
        var entry = await Repo.AddAsync(NewEntry());
        await Repo.UpdateAsync(entry with { Value = Json("1") });
        var added = NewEntry();
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await Assert.ThrowsAsync<EntityValidationException>(() => uow.SystemConfigs.AddAsync(NewEntry() with { Key = "NOPE" }));
            await Assert.ThrowsAsync<ConcurrencyConflictException>(() => uow.SystemConfigs.UpdateAsync(entry));
            await uow.SystemConfigs.AddAsync(added);
            await uow.CommitAsync();
        }

        Assert.NotNull(await Repo.GetAsync(added.Key));
    }

    /// <summary>A typed configuration value the JSON round-trip tests write and read back.</summary>
    /// <param name="Retries">A number.</param>
    /// <param name="Hosts">A list.</param>
    /// <param name="Weights">A map.</param>
    public sealed record Limits(int Retries, string[] Hosts, Dictionary<string, int> Weights);
}
