namespace PluginAI.Contributors;

/// <summary>Splits an amount by shares so that the rounded parts sum exactly to the amount.</summary>
public static class AmountSplitter
{
    private static readonly HashSet<string> s_zeroDecimalCurrencies = new(StringComparer.OrdinalIgnoreCase)
    {
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
    };

    /// <summary>Returns the number of decimals of a currency's minor unit: 0 for currencies such as JPY, otherwise 2.</summary>
    /// <param name="currency">An ISO 4217 code.</param>
    /// <returns>The number of decimals.</returns>
    public static int MinorUnitDecimals(string currency) => s_zeroDecimalCurrencies.Contains(currency) ? 0 : 2;

    /// <summary>
    /// Splits <paramref name="amount"/> by largest remainder: each part gets the floor of its exact quota in minor
    /// units, and the minor units left over go one each to the largest fractional remainders (ties to the larger
    /// share, then by identity), so the parts sum exactly to the amount.
    /// </summary>
    /// <param name="amount">The amount to split, not negative.</param>
    /// <param name="decimals">The decimals of the currency's minor unit (2 for cents).</param>
    /// <param name="scores">The scores; shares are rescaled if they do not sum to 1.</param>
    /// <returns>One part per score, in the order of <paramref name="scores"/>.</returns>
    /// <exception cref="PluginException">The amount is negative, has more decimals than the minor unit, or no one has a share.</exception>
    public static IReadOnlyList<AmountSplit> Split(decimal amount, int decimals, IReadOnlyList<ContributorScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        if (amount < 0)
        {
            throw new PluginException($"amount {amount} must not be negative") { ErrorCode = "contributors.bad-amount" };
        }

        var scale = Pow10(decimals);
        var minor = amount * scale;
        if (minor != decimal.Truncate(minor))
        {
            throw new PluginException($"amount {amount} has more than {decimals} decimals") { ErrorCode = "contributors.bad-amount" };
        }

        var totalShare = scores.Sum(s => (decimal)s.Share);
        if (totalShare <= 0)
        {
            throw new PluginException("no contributor has a share in the period, so there is nothing to split by") { ErrorCode = "contributors.nothing-to-split" };
        }

        // Decimal arithmetic keeps the quotas exact enough that equal shares get equal remainders.
        var quotas = scores.Select(s => minor * (decimal)s.Share / totalShare).ToArray();
        var parts = quotas.Select(decimal.Floor).ToArray();
        var left = minor - parts.Sum();
        var order = Enumerable.Range(0, scores.Count)
            .OrderByDescending(i => quotas[i] - parts[i])
            .ThenByDescending(i => scores[i].Share)
            .ThenBy(i => scores[i].Statistics.Id, StringComparer.Ordinal)
            .ToList();
        for (var k = 0; left > 0; k = (k + 1) % order.Count)
        {
            parts[order[k]]++;
            left--;
        }

        // Multiplying by the minor unit (0.01m) rather than dividing keeps the currency's decimals: 7000.00, not 7000.
        var unit = 1m / scale;
        return scores.Select((s, i) => new AmountSplit(s.Statistics.Id, s.Statistics.Name, s.Share, parts[i] * unit)).ToList();
    }

    private static decimal Pow10(int decimals)
    {
        var scale = 1m;
        for (var i = 0; i < decimals; i++)
        {
            scale *= 10;
        }

        return scale;
    }
}
