using System;
using System.Globalization;

namespace PersistStore.Engine.Model
{
    /// <summary>Backend-neutral text form of a property value: a one-letter kind plus invariant text, exact both ways.</summary>
    public static class PropertyCodec
    {
        public static (string Kind, string Text) Encode(object value) => value switch
        {
            string s => ("s", s),
            bool b => ("b", b ? "1" : "0"),
            long l => ("i", l.ToString(CultureInfo.InvariantCulture)),
            double d => ("f", d.ToString("R", CultureInfo.InvariantCulture)),
            decimal m => ("m", m.ToString(CultureInfo.InvariantCulture)),
            DateTime t => ("t", t.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture)),
            _ => throw new ArgumentException($"Unsupported property value type {value.GetType()}", nameof(value)),
        };

        public static object Decode(string kind, string text) => kind switch
        {
            "s" => text,
            "b" => text == "1",
            "i" => long.Parse(text, CultureInfo.InvariantCulture),
            "f" => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
            "m" => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
            "t" => new DateTime(long.Parse(text, CultureInfo.InvariantCulture), DateTimeKind.Utc),
            _ => throw new FormatException($"Unknown property kind '{kind}'"),
        };
    }
}
