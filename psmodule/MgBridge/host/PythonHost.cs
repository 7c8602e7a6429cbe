#nullable enable
using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.Management.Automation;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using System.Xml;
using Python.Runtime;

namespace MgBridge.Host
{
    /// <summary>
    /// Hosts CPython inside the PowerShell process. Python is started once per process, under a
    /// lock, and never shut down (CPython cannot be restarted reliably; at exit only its atexit
    /// functions run). Every call takes the GIL on the thread that makes it and releases it there,
    /// so no GIL handle or Python object ever reaches PowerShell script code: requests go in as
    /// JSON text and replies come back as JSON text.
    /// </summary>
    public static class PythonHost
    {
        private static readonly object StartLock = new object();
        private static PyObject? dispatch;
        private static PyObject? stop;

        /// <summary>True once Python runs in this process.</summary>
        public static bool IsStarted => dispatch != null;

        /// <summary>
        /// Starts CPython from the given libpython, as the interpreter at programName (whose
        /// pyvenv.cfg, if any, selects the venv), and imports the dispatcher. Later calls return at once.
        /// </summary>
        public static void Start(string pythonDll, string programName, string entryModule)
        {
            lock (StartLock)
            {
                if (dispatch != null) return;
                Runtime.PythonDLL = pythonDll;
                // PythonHome and PythonPath would override venv detection, so they are never set.
                PythonEngine.ProgramName = programName;
                PythonEngine.Initialize(setSysArgv: false, initSigs: false);
                try
                {
                    using (PyObject module = Py.Import(entryModule))
                    {
                        stop = module.GetAttr("stop");
                        dispatch = module.GetAttr("dispatch");
                    }
                }
                finally
                {
                    // Initialize leaves this thread holding the GIL; releasing it exactly once lets
                    // any thread (runspaces, thread jobs) take it later.
                    PythonEngine.BeginAllowThreads();
                }
                ReplaceExitHandler();
            }
        }

        /// <summary>
        /// pythonnet shuts the engine down when the process exits (PythonEngine.OnProcessExit):
        /// CPython's finalization plus rounds of .NET and Python garbage collection, about 0.5 s
        /// added to the end of every pwsh that made a call (bench/run.py, "first result"). The
        /// process is ending, so only Python's atexit functions are run (logging flushes its
        /// handlers there); the operating system frees the rest.
        /// </summary>
        private static void ReplaceExitHandler()
        {
            MethodInfo? full = typeof(PythonEngine).GetMethod(
                "OnProcessExit", BindingFlags.NonPublic | BindingFlags.Static);
            if (full == null) return; // another pythonnet: keep its own behaviour
            AppDomain.CurrentDomain.ProcessExit -=
                (EventHandler)Delegate.CreateDelegate(typeof(EventHandler), full);
            AppDomain.CurrentDomain.ProcessExit += RunAtExit;
        }

        private static void RunAtExit(object? sender, EventArgs e)
        {
            // On another thread, bounded: a call still running holds the GIL.
            Task atexit = Task.Run(() =>
            {
                using (Py.GIL())
                using (PyObject module = Py.Import("atexit"))
                using (module.InvokeMethod("_run_exitfuncs")) { }
            });
            try { atexit.Wait(2000); } catch (AggregateException) { }
        }

        /// <summary>
        /// Runs one request on the calling thread and returns the JSON reply. Handing the call to
        /// another thread and waiting for it cost more than the rest of the boundary, so the call
        /// runs here; when <paramref name="caller"/>'s pipeline is stopped (Ctrl+C,
        /// PowerShell.Stop()) while it waits, <see cref="StopWatch"/> stops it inside Python and
        /// this throws PipelineStoppedException.
        /// </summary>
        public static string Call(string requestJson, PSCmdlet? caller)
        {
            PyObject fn = dispatch ?? throw new InvalidOperationException("Python is not started in this process.");
            StopWatch.Watched? watched = caller == null ? null : StopWatch.Add(caller);
            try
            {
                string reply;
                using (Py.GIL())
                using (var request = new PyString(requestJson))
                using (PyObject result = watched == null ? fn.Invoke(request) : Invoke(fn, request, watched.Token))
                {
                    reply = result.As<string>();
                }
                if (caller != null && caller.Stopping) throw new PipelineStoppedException();
                return reply;
            }
            finally
            {
                if (watched != null) StopWatch.Remove(watched);
            }
        }

        private static PyObject Invoke(PyObject fn, PyObject request, long stopToken)
        {
            using (var token = new PyInt(stopToken)) return fn.Invoke(request, token);
        }

        /// <summary>Asks Python to stop the call with this token, if it still runs.</summary>
        internal static void Stop(long token)
        {
            PyObject fn = stop ?? throw new InvalidOperationException("Python is not started in this process.");
            using (Py.GIL())
            using (var argument = new PyInt(token))
            using (fn.Invoke(argument)) { }
        }
    }

    /// <summary>
    /// Watches the pipelines of the calls in flight: every tenth of a second while there are any,
    /// a call whose pipeline is stopping is stopped in Python (bridge._interrupt), which wakes its
    /// thread from a socket read or a retry's sleep. A token names each call, so a stop that comes
    /// late cannot reach a later call on the same thread. Reading PSCmdlet.Stopping from this
    /// thread is safe: it reads the pipeline's flag.
    /// </summary>
    internal static class StopWatch
    {
        private const int PeriodMs = 100;
        private static readonly object Gate = new object();
        private static readonly List<Watched> Calls = new List<Watched>();
        private static Timer? timer;
        private static bool armed;
        private static long lastToken;

        internal sealed class Watched
        {
            internal Watched(PSCmdlet caller, long token)
            {
                Caller = caller;
                Token = token;
            }

            internal PSCmdlet Caller { get; }
            internal long Token { get; }
        }

        internal static Watched Add(PSCmdlet caller)
        {
            var watched = new Watched(caller, Interlocked.Increment(ref lastToken));
            lock (Gate)
            {
                Calls.Add(watched);
                if (!armed)
                {
                    armed = true;
                    (timer ??= new Timer(Check)).Change(PeriodMs, Timeout.Infinite);
                }
            }
            return watched;
        }

        internal static void Remove(Watched watched)
        {
            lock (Gate) Calls.Remove(watched);
        }

        private static void Check(object? state)
        {
            var stopping = new List<long>();
            lock (Gate)
            {
                if (Calls.Count == 0)
                {
                    armed = false;
                    return;
                }
                foreach (Watched watched in Calls)
                {
                    if (watched.Caller.Stopping) stopping.Add(watched.Token);
                }
            }
            // Outside the lock: taking the GIL can wait for other calls' Python code. A stop that
            // finds its call not yet in Python is sent again on the next round, as is one that
            // failed: an exception thrown here, on a timer thread, would end the whole process.
            try
            {
                foreach (long token in stopping) PythonHost.Stop(token);
            }
            catch (Exception)
            {
            }
            lock (Gate) timer!.Change(PeriodMs, Timeout.Infinite);
        }
    }

    /// <summary>
    /// The module's output objects from the core's views: what Private/ConvertFromBridgeView.ps1
    /// does, node for node, without a PowerShell function call per node. The core decides the
    /// view; this only turns every "AdditionalProperties" object into a Dictionary&lt;string, object&gt;
    /// (nested objects inside it too, as the SDK's models expose them) and names the types.
    /// A view comes either as ConvertFrom-Json makes it (PSCustomObjects, converted in place, as
    /// the script does) or as ConvertFrom-Json -AsHashtable makes it (the objects are then built
    /// here, as ConvertFrom-Json would have built them: cheaper than reading PSCustomObjects back).
    /// ConvertFromBridgeView.ps1 stays the reference (and the module's fallback when this
    /// assembly is not built); tests/powershell/Private/ConvertFromBridgeView.Tests.ps1 checks that
    /// all three give the same objects.
    /// </summary>
    public static class Views
    {
        /// <summary>The type name every object of a view carries (MgBridge.types.ps1xml).</summary>
        public const string GraphObject = "MgBridge.GraphObject";

        private const string Additional = "AdditionalProperties";

        /// <summary>The view as the object a cmdlet writes, named <paramref name="typeName"/> first.</summary>
        public static PSObject Present(object view, string typeName)
        {
            PSObject result;
            if (view is IDictionary parsed)
            {
                result = Build(parsed);
            }
            else
            {
                result = view as PSObject ?? PSObject.AsPSObject(view);
                Walk(result);
            }
            result.TypeNames.Insert(0, typeName);
            return result;
        }

        /// <summary>
        /// What ConvertFrom-Json makes of JSON that ConvertFrom-Json -AsHashtable made into
        /// <paramref name="parsed"/>: a PSCustomObject for each dictionary, its members in order.
        /// </summary>
        public static object? ToObjects(object? parsed)
        {
            if (parsed is IDictionary dictionary)
            {
                var result = new PSObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    result.Properties.Add(new PSNoteProperty((string)entry.Key, ToObjects(entry.Value)));
                }
                return result;
            }
            if (parsed is object?[] items)
            {
                var converted = new object?[items.Length];
                for (int index = 0; index < items.Length; index++) converted[index] = ToObjects(items[index]);
                return converted;
            }
            return parsed;
        }

        // A view object from -AsHashtable, as Walk leaves its ConvertFrom-Json twin.
        private static PSObject Build(IDictionary node)
        {
            var result = new PSObject();
            result.TypeNames.Insert(0, GraphObject);
            foreach (DictionaryEntry entry in node)
            {
                var name = (string)entry.Key;
                object? value = entry.Value;
                if (string.Equals(name, Additional, StringComparison.OrdinalIgnoreCase))
                {
                    value = ToDictionary(value);
                }
                else if (value is IDictionary child)
                {
                    value = Build(child);
                }
                else if (value is object?[] items)
                {
                    // Objects in an array are views too; anything deeper is left as JSON made it.
                    var converted = new object?[items.Length];
                    for (int index = 0; index < items.Length; index++)
                    {
                        converted[index] = items[index] is IDictionary element ? Build(element) : ToObjects(items[index]);
                    }
                    value = converted;
                }
                result.Properties.Add(new PSNoteProperty(name, value));
            }
            return result;
        }

        private static void Walk(PSObject node)
        {
            node.TypeNames.Insert(0, GraphObject);
            foreach (PSPropertyInfo property in node.Properties)
            {
                object? value = property.Value;
                if (string.Equals(property.Name, Additional, StringComparison.OrdinalIgnoreCase))
                {
                    property.Value = ToDictionary(value);
                }
                else if (AsCustomObject(value) is PSObject child)
                {
                    Walk(child);
                }
                else if (Unwrap(value) is object?[] items)
                {
                    foreach (object? item in items)
                    {
                        if (AsCustomObject(item) is PSObject element) Walk(element);
                    }
                }
            }
        }

        // An AdditionalProperties value: objects (PSCustomObjects or -AsHashtable dictionaries)
        // as dictionaries, at any depth.
        private static object? ToDictionary(object? value)
        {
            if (AsCustomObject(value) is PSObject custom)
            {
                var dictionary = new Dictionary<string, object?>();
                foreach (PSPropertyInfo property in custom.Properties)
                {
                    dictionary[property.Name] = ToDictionary(property.Value);
                }
                return dictionary;
            }
            if (value is IDictionary parsed)
            {
                var dictionary = new Dictionary<string, object?>();
                foreach (DictionaryEntry entry in parsed)
                {
                    dictionary[(string)entry.Key] = ToDictionary(entry.Value);
                }
                return dictionary;
            }
            if (Unwrap(value) is object?[] items)
            {
                var converted = new object?[items.Length];
                for (int index = 0; index < items.Length; index++) converted[index] = ToDictionary(items[index]);
                return converted;
            }
            return value;
        }

        // As PowerShell's -is [PSCustomObject] and -is [object[]] see a value.
        private static PSObject? AsCustomObject(object? value) =>
            value is PSObject wrapped && wrapped.BaseObject is PSCustomObject ? wrapped : null;

        private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
    }

    /// <summary>
    /// PowerShell values as plain JSON data for the core: what Private/ConvertToBridgeValue.ps1
    /// does, rule for rule and message for message, without a PowerShell function call per node.
    /// The script stays the reference (and the module's fallback when this assembly is not
    /// built); tests/powershell/Private/ConvertToBridgeValue.Tests.ps1 runs its cases on both.
    /// </summary>
    public static class Values
    {
        private const int MaxDepth = 64;
        private const string TooDeep =
            "nested more than 64 levels deep (or refers to itself); Graph bodies are far shallower.";
        private const string IsoUtc = "yyyy-MM-ddTHH:mm:ss.FFFFFFFZ";

        /// <summary>
        /// The value as strings, numbers, booleans, nulls, OrderedDictionary (case-sensitive keys,
        /// in the caller's order) and object[]; or null with <paramref name="refusal"/> saying
        /// where and why it cannot be sent. Never throws for a value.
        /// </summary>
        public static object? ToData(object? value, string path, out string? refusal)
        {
            refusal = null;
            object? converted = Convert(value, path, 0, ref refusal);
            return refusal == null ? converted : null;
        }

        private static object? Convert(object? value, string at, int depth, ref string? refusal)
        {
            if (value == null) return null;
            if (value is PSObject wrapped)
            {
                // A PSCustomObject's properties live on its wrapper, so it is read before unwrapping.
                if (wrapped.BaseObject is PSCustomObject)
                {
                    if (depth >= MaxDepth) return Refuse(ref refusal, $"{at}: {TooDeep}");
                    var result = new OrderedDictionary(StringComparer.Ordinal);
                    foreach (PSPropertyInfo property in wrapped.Properties)
                    {
                        // Only note properties are data; reading a script or code property would
                        // run its code and send whatever it returned.
                        if (property.MemberType != PSMemberTypes.NoteProperty)
                        {
                            return Refuse(ref refusal,
                                $"{at}.{property.Name}: a {property.MemberType} computes its value; only data (note properties) can be sent.");
                        }
                        result[property.Name] = Convert(property.Value, $"{at}.{property.Name}", depth + 1, ref refusal);
                        if (refusal != null) return null;
                    }
                    return result;
                }
                value = wrapped.BaseObject;
            }
            if (value is string) return value;
            if (value is Enum) return value.ToString();
            TypeCode code = Type.GetTypeCode(value.GetType());
            if (code == TypeCode.Boolean) return value;
            if (code >= TypeCode.SByte && code <= TypeCode.Decimal)
            {
                if ((value is double number && (double.IsNaN(number) || double.IsInfinity(number))) ||
                    (value is float single && (float.IsNaN(single) || float.IsInfinity(single))))
                {
                    return Refuse(ref refusal,
                        $"{at}: {((IFormattable)value).ToString(null, CultureInfo.InvariantCulture)} is not a finite number; JSON has no such value.");
                }
                return value;
            }
            if (code == TypeCode.DateTime)
            {
                return ((DateTime)value).ToUniversalTime().ToString(IsoUtc, CultureInfo.InvariantCulture);
            }
            if (code == TypeCode.Char) return value.ToString();
            if (code == TypeCode.DBNull) return null;
            if (value is DateTimeOffset offset) return offset.UtcDateTime.ToString(IsoUtc, CultureInfo.InvariantCulture);
            if (value is TimeSpan span) return XmlConvert.ToString(span);
            if (value is Guid || value is Uri) return value.ToString();

            if (depth >= MaxDepth) return Refuse(ref refusal, $"{at}: {TooDeep}");
            if (value is IDictionary dictionary)
            {
                var result = new OrderedDictionary(StringComparer.Ordinal);
                foreach (DictionaryEntry entry in dictionary)
                {
                    object key = entry.Key is PSObject wrappedKey ? wrappedKey.BaseObject : entry.Key;
                    if (!(key is string name))
                    {
                        return Refuse(ref refusal,
                            $"{at}: the key {LanguagePrimitives.ConvertTo<string>(key)} is a {key.GetType().Name}; keys must be strings, as Graph property names are.");
                    }
                    result[name] = Convert(entry.Value, $"{at}.{name}", depth + 1, ref refusal);
                    if (refusal != null) return null;
                }
                return result;
            }
            if (value is IEnumerable items)
            {
                var list = new List<object?>();
                foreach (object? item in items)
                {
                    list.Add(Convert(item, $"{at}[{list.Count}]", depth + 1, ref refusal));
                    if (refusal != null) return null;
                }
                return list.ToArray();
            }
            return Refuse(ref refusal,
                $"{at}: a value of type {value.GetType().FullName} cannot be sent to Graph; " +
                "use text, a number, a boolean, a date, a hashtable, a PSCustomObject or an array.");
        }

        private static object? Refuse(ref string? refusal, string message)
        {
            refusal = message;
            return null;
        }
    }
}
