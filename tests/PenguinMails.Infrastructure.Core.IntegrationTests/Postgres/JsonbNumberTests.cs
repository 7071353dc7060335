using Npgsql;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Postgres;

/// <summary>The in-memory store prints JSON numbers as PostgreSQL's jsonb does.</summary>
public sealed class JsonbNumberTests
{
    [PostgresTheory]
    [InlineData("1.5e3")]
    [InlineData("1e-3")]
    [InlineData("1.50e1")]
    [InlineData("1E+2")]
    [InlineData("-2.5e-2")]
    [InlineData("0e5")]
    [InlineData("-0")]
    [InlineData("-0.00")]
    [InlineData("1.50")]
    [InlineData("-17")]
    [InlineData("12345678901234567890.5")]
    public async Task NumericText_Number_EqualsPostgresJsonbText(string number)
    {
        await using var dataSource = NpgsqlDataSource.Create(await PostgresServer.GetAdminConnectionStringAsync());
        await using var command = dataSource.CreateCommand("SELECT ($1::jsonb)::text");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = number });

        var postgres = (string)(await command.ExecuteScalarAsync())!;

        Assert.Equal(postgres, JsonbSemantics.NumericText(number));
    }
}
