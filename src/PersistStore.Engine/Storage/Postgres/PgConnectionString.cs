using System;
using System.Collections.Generic;
using Npgsql;
using PersistStore.Engine.Errors;

namespace PersistStore.Engine.Storage.Postgres
{
    /// <summary>Npgsql's connection settings for a store location: the module's defaults, under the user's own.</summary>
    internal static class PgConnectionString
    {
        public static NpgsqlDataSource CreateSource(StoreLocation location)
        {
            NpgsqlConnectionStringBuilder builder;
            try { builder = new NpgsqlConnectionStringBuilder(location.Value); }
            catch (Exception e) when (e is ArgumentException || e is FormatException || e is KeyNotFoundException)
            {
                throw new UnsupportedStoreLocationException("InvalidConnectionString", location.Display,
                    $"The connection string '{location.Display}' is not valid for PostgreSQL: {e.Message.TrimEnd('.')}. Use Host=...;Database=...;Username=... (with Password=... or a .pgpass file), or a postgresql:// URI.");
            }
            if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = "PersistStore";
            // The server's error details can quote row values (names, paths); keep them out of messages.
            builder.IncludeErrorDetail = false;
            builder.LogParameters = false;
            // Npgsql's defaults otherwise: 256 KiB socket buffers and automatic preparation were measured and made no
            // difference (docs/performance.md, "PostgreSQL and migration").
            return NpgsqlDataSource.Create(builder.ConnectionString);
        }
    }
}
