using System;
using System.Linq;
using Microsoft.Data.Sqlite;

// sql <database> <statement>: run one statement with this tool's own SQLite and print the scalar result.
switch (args.FirstOrDefault())
{
    case "sql" when args.Length == 3:
        using (var c = new SqliteConnection($"Data Source={args[1]};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = args[2];
            Console.WriteLine(cmd.ExecuteScalar());
        }
        return 0;
    default:
        Console.Error.WriteLine("usage: PersistStore.TestTool sql <db> <statement>");
        return 2;
}
