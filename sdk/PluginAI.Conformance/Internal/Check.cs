using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PluginAI.Conformance.Internal;

/// <summary>
/// The assertions the conformance checks make, named and behaving as xunit's <c>Assert</c> does, so that the checks run
/// the same under a test framework and without one. A failed assertion throws <see cref="ConformanceCheckException"/>.
/// </summary>
internal static class Check
{
    public static void True([DoesNotReturnIf(false)] bool condition, string? userMessage = null)
    {
        if (!condition)
        {
            throw Fail("True", userMessage ?? "Expected: True" + Environment.NewLine + "Actual:   False");
        }
    }

    public static void False([DoesNotReturnIf(true)] bool condition, string? userMessage = null)
    {
        if (condition)
        {
            throw Fail("False", userMessage ?? "Expected: False" + Environment.NewLine + "Actual:   True");
        }
    }

    /// <summary>Compares as xunit does: collections (strings aside) item by item, anything else with <see cref="object.Equals(object?, object?)"/>.</summary>
    public static void Equal<T>(T expected, T actual)
    {
        if (!ItemsEqual(expected, actual))
        {
            throw Fail("Equal", Difference(expected, actual));
        }
    }

    public static void Equal<T>(T expected, T actual, IEqualityComparer<T> comparer)
    {
        if (!comparer.Equals(expected, actual))
        {
            throw Fail("Equal", Difference(expected, actual));
        }
    }

    public static void Equal<T>(IEnumerable<T>? expected, IEnumerable<T>? actual) => Equal(expected, actual, EqualityComparer<T>.Default);

    public static void Equal<T>(IEnumerable<T>? expected, IEnumerable<T>? actual, IEqualityComparer<T> comparer)
    {
        if (expected is null || actual is null)
        {
            if (expected is not null || actual is not null)
            {
                throw Fail("Equal", Difference(expected, actual));
            }

            return;
        }

        var left = expected.ToList();
        var right = actual.ToList();
        if (left.Count != right.Count || left.Where((item, i) => !comparer.Equals(item, right[i])).Any())
        {
            throw Fail("Equal", Difference(left, right));
        }
    }

    public static void Same(object? expected, object? actual)
    {
        if (!ReferenceEquals(expected, actual))
        {
            throw Fail("Same", Difference(expected, actual));
        }
    }

    public static void NotNull([NotNull] object? value)
    {
        if (value is null)
        {
            throw Fail("NotNull", "the value is null");
        }
    }

    public static T IsType<T>(object? value, bool exactMatch)
    {
        if (value is T typed && (!exactMatch || value.GetType() == typeof(T)))
        {
            return typed;
        }

        throw Fail("IsType", $"Expected: {typeof(T).FullName}{Environment.NewLine}Actual:   {value?.GetType().FullName ?? "null"}");
    }

    public static void Empty(IEnumerable collection)
    {
        ArgumentNullException.ThrowIfNull(collection);
        if (collection.GetEnumerator().MoveNext())
        {
            throw Fail("Empty", "the collection is not empty: " + Format(collection));
        }
    }

    public static void NotEmpty(IEnumerable collection)
    {
        ArgumentNullException.ThrowIfNull(collection);
        if (!collection.GetEnumerator().MoveNext())
        {
            throw Fail("NotEmpty", "the collection is empty");
        }
    }

    public static T Single<T>(IEnumerable<T> collection)
    {
        ArgumentNullException.ThrowIfNull(collection);
        var items = collection.Take(2).ToList();
        return items.Count == 1 ? items[0] : throw Fail("Single", $"the collection holds {(items.Count == 0 ? "no item" : "more than one item")}: {Format(collection)}");
    }

    public static void All<T>(IEnumerable<T> collection, Action<T> action)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(action);
        var index = 0;
        foreach (var item in collection)
        {
            try
            {
                action(item);
            }
            catch (ConformanceCheckException ex)
            {
                throw Fail("All", $"item {index} ({Format(item)}) failed: {ex.Message}");
            }

            index++;
        }
    }

    public static void Contains<T>(T expected, IEnumerable<T> collection)
    {
        ArgumentNullException.ThrowIfNull(collection);
        if (!collection.Contains(expected))
        {
            throw Fail("Contains", $"{Format(expected)} is not in {Format(collection)}");
        }
    }

    public static void Contains<T>(IEnumerable<T> collection, Predicate<T> filter)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(filter);
        if (!collection.Any(item => filter(item)))
        {
            throw Fail("Contains", "no item matches the filter in " + Format(collection));
        }
    }

    public static void Contains(string expectedSubstring, string? actual, StringComparison comparison)
    {
        if (actual is null || !actual.Contains(expectedSubstring, comparison))
        {
            throw Fail("Contains", $"'{expectedSubstring}' is not in '{actual}'");
        }
    }

    public static void StartsWith(string expectedStart, string? actual, StringComparison comparison)
    {
        if (actual is null || !actual.StartsWith(expectedStart, comparison))
        {
            throw Fail("StartsWith", $"'{actual}' does not start with '{expectedStart}'");
        }
    }

    public static void EndsWith(string expectedEnd, string? actual, StringComparison comparison)
    {
        if (actual is null || !actual.EndsWith(expectedEnd, comparison))
        {
            throw Fail("EndsWith", $"'{actual}' does not end with '{expectedEnd}'");
        }
    }

    public static void InRange<T>(T actual, T low, T high)
        where T : IComparable<T>
    {
        if (actual.CompareTo(low) < 0 || actual.CompareTo(high) > 0)
        {
            throw Fail("InRange", $"{Format(actual)} is not in the range [{Format(low)}, {Format(high)}]");
        }
    }

    public static async Task<T> ThrowsAnyAsync<T>(Func<Task> action)
        where T : Exception
    {
        var thrown = await RecordExceptionAsync(action).ConfigureAwait(false);
        return thrown as T ?? throw Fail("ThrowsAny", Thrown(typeof(T), thrown));
    }

    public static async Task<T> ThrowsAsync<T>(Func<Task> action)
        where T : Exception
    {
        var thrown = await RecordExceptionAsync(action).ConfigureAwait(false);
        return thrown is T typed && thrown.GetType() == typeof(T) ? typed : throw Fail("Throws", Thrown(typeof(T), thrown));
    }

    public static async Task<Exception?> RecordExceptionAsync(Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            await action().ConfigureAwait(false);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private static bool ItemsEqual(object? expected, object? actual)
    {
        if (expected is IEnumerable left and not string && actual is IEnumerable right and not string)
        {
            var l = left.Cast<object?>().ToList();
            var r = right.Cast<object?>().ToList();
            return l.Count == r.Count && l.Zip(r).All(pair => ItemsEqual(pair.First, pair.Second));
        }

        return Equals(expected, actual);
    }

    private static string Thrown(Type expected, Exception? thrown) =>
        $"Expected: {expected.FullName}{Environment.NewLine}Actual:   {(thrown is null ? "no exception" : $"{thrown.GetType().FullName}: {thrown.Message}")}";

    private static string Difference(object? expected, object? actual) =>
        $"Expected: {Format(expected)}{Environment.NewLine}Actual:   {Format(actual)}";

    private static ConformanceCheckException Fail(string assertion, string detail) =>
        new($"Check.{assertion}() Failure: {detail}");

    private static string Format(object? value) => value switch
    {
        null => "null",
        string text => $"\"{text}\"",
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Take(20).Select(Format)) + (items.Cast<object?>().Skip(20).Any() ? ", ..." : string.Empty) + "]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
