using System;
using System.Net.Sockets;
using Npgsql;
using PersistStore.Engine.Errors;

namespace PersistStore.Engine.Storage.Postgres
{
    /// <summary>
    /// Turns Npgsql's and the server's errors into errors a user can act on. Messages name the store by its Display
    /// (password masked) and quote the server's message text, which names users and databases but never a password.
    /// </summary>
    internal static class PgErrors
    {
        /// <summary>Failures that pass: a dropped or refused connection, a server restarting, a serialization failure or deadlock.</summary>
        public static bool IsTransient(NpgsqlException e) => e switch
        {
            PostgresException p => p.SqlState is "40001" or "40P01" or "57P01" or "57P02" or "57P03" || p.SqlState.StartsWith("08", StringComparison.Ordinal),
            _ => e.IsTransient && !(e.InnerException is SocketException s && s.SocketErrorCode is SocketError.HostNotFound or SocketError.ConnectionRefused),
        };

        public static Exception Translate(NpgsqlException e, StoreLocation location)
        {
            string where = location.Display;
            if (e is PostgresException p)
            {
                string text = p.MessageText.TrimEnd('.');
                switch (p.SqlState)
                {
                    case "28P01":
                    case "28000":
                        return new StoreAccessException(where,
                            $"The PostgreSQL server refused the login for '{where}' ({text}). Check the Username and Password of the connection string (or the server's pg_hba.conf).", e);
                    case "3D000":
                        return new StoreNotFoundException(where,
                            $"The database of '{where}' does not exist on the server ({text}). Create it first (CREATE DATABASE ... OWNER <user>), or name an existing database.");
                    case "42501":
                        return new StoreAccessException(where,
                            $"The PostgreSQL user of '{where}' may not do this ({text}). Grant it the rights on the database or schema, or connect as its owner.", e);
                    case "55P03":
                    case "57014":
                        return new PersistStoreException("StoreBusy", ErrorKind.ResourceUnavailable, where,
                            $"The store '{where}' stayed busy longer than the busy timeout: another process holds a long write ({text}). Retry later.", e);
                    case "53100":
                    case "53200":
                        return new PersistStoreException("StoreIOError", ErrorKind.ResourceUnavailable, where,
                            $"The PostgreSQL server of '{where}' could not write ({text}). Check its free disk space and memory.", e);
                    case "53300":
                        return new PersistStoreException("StoreUnreachable", ErrorKind.ResourceUnavailable, where,
                            $"The PostgreSQL server of '{where}' accepts no more connections ({text}). Retry later, or raise max_connections.", e);
                    default:
                        return new PersistStoreException("StoreError", ErrorKind.InvalidOperation, where,
                            $"The PostgreSQL server of '{where}' reported an error: {text} ({p.SqlState}).", e);
                }
            }
            return new PersistStoreException("StoreUnreachable", ErrorKind.ResourceUnavailable, where,
                $"The PostgreSQL server of '{where}' cannot be reached: {Reason(e)}. Check that the server runs and accepts connections at that Host and Port, and that no firewall blocks them.", e);
        }

        private static string Reason(Exception e)
        {
            for (var x = e; x != null; x = x.InnerException)
                if (x is SocketException || x is TimeoutException) return x.Message.TrimEnd('.');
            return e.Message.TrimEnd('.');
        }
    }
}
