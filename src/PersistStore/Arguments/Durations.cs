using System;
using System.Globalization;
using System.Management.Automation;

namespace PersistStore
{
    /// <summary>A duration given as a TimeSpan, a TimeSpan string ('00:01:30'), or a number of seconds.</summary>
    internal static class Durations
    {
        public static TimeSpan From(object? value, string what)
        {
            value = value is PSObject ps ? ps.BaseObject : value;
            switch (value)
            {
                case TimeSpan span: return span;
                case int or long or short or byte or double or float or decimal:
                    return TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                case string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds):
                    return TimeSpan.FromSeconds(seconds);
                case string text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed):
                    return parsed;
                default:
                    throw new ArgumentException($"{what}: '{value}' is not a duration. Give seconds (30), a TimeSpan string ('00:01:30') or a TimeSpan.");
            }
        }
    }

    /// <summary>Lets -Timeout 30 mean 30 seconds (PowerShell alone would read 30 as ticks).</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class DurationTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
            inputData == null ? null : Durations.From(inputData, "duration");
    }
}
