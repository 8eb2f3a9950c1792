using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PersistStore.Engine.Errors;

namespace PersistStore.Infrastructure
{
    /// <summary>Unwraps PowerShell's PSObject wrappers so the engine sees plain CLR values.</summary>
    internal static class PowerShellValues
    {
        public static IReadOnlyDictionary<string, object?> ToProperties(IDictionary? table)
        {
            var result = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            if (table == null) return result;
            foreach (DictionaryEntry entry in table)
            {
                string key = Convert.ToString(Unwrap(entry.Key), System.Globalization.CultureInfo.InvariantCulture) ?? "";
                // A case-sensitive table can hold 'A' and 'a'; property names are case-insensitive, so one would
                // silently replace the other. The result keeps the first spelling as its key.
                if (result.ContainsKey(key))
                {
                    string other = result.Keys.First(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
                    throw new InvalidPropertyException(key, $"the table also has the key '{other}', and property names are case-insensitive, so one value would replace the other. Keep one of the two keys");
                }
                result[key] = Unwrap(entry.Value);
            }
            return result;
        }

        public static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;
    }
}
