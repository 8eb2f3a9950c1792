using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

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
                result[Convert.ToString(Unwrap(entry.Key), System.Globalization.CultureInfo.InvariantCulture) ?? ""] = Unwrap(entry.Value);
            return result;
        }

        public static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;
    }
}
