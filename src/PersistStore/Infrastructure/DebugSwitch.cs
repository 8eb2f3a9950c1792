using System;
using System.Management.Automation;
using System.Reflection;

namespace PersistStore.Infrastructure
{
    /// <summary>
    /// -Debug on a compiled cmdlet makes PowerShell answer "Inquire" for its verbose lines (and, on Windows PowerShell
    /// 5.1, for its debug lines): every WriteVerbose then asks "Continue with this operation?", and a scheduled task
    /// with no console fails on the prompt. An advanced function given -Debug prints its debug lines and goes on. This
    /// puts the module's cmdlets on that footing: -Debug shows debug lines and never prompts; verbose lines follow
    /// -Verbose or $VerbosePreference exactly as they do without -Debug.
    /// </summary>
    internal static class DebugSwitch
    {
        private const BindingFlags Internal = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

        public static void NeverInquire(PSCmdlet cmdlet)
        {
            var bound = cmdlet.MyInvocation.BoundParameters;
            if (!bound.TryGetValue("Debug", out var debug) || !IsOn(debug)) return;
            object runtime = cmdlet.CommandRuntime;
            // The runtime's own preference setters (internal since PowerShell 2): nothing public reaches them. Should
            // a future PowerShell rename them, the cmdlet behaves as PowerShell decides rather than failing.
            Set(runtime, "DebugPreference", ActionPreference.Continue);
            if (!bound.ContainsKey("Verbose"))
                Set(runtime, "Verbose", IsOn(cmdlet.SessionState.PSVariable.GetValue("VerbosePreference")));
        }

        private static bool IsOn(object? value) => value switch
        {
            SwitchParameter s => s.IsPresent,
            bool b => b,
            ActionPreference p => p == ActionPreference.Continue,
            _ => false,
        };

        private static void Set(object runtime, string property, object value)
        {
            try { runtime.GetType().GetProperty(property, Internal)?.SetValue(runtime, value); }
            catch (Exception e) when (e is TargetInvocationException || e is ArgumentException || e is MethodAccessException) { }
        }
    }
}
