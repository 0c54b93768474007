namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>The best <c>k</c> (score, item) pairs seen so far, kept in a bounded min-heap.</summary>
/// <remarks>Not thread-safe: each search thread keeps its own and the results are merged.</remarks>
internal sealed class TopK
{
    private readonly float[] _scores;
    private readonly int[] _items;

    public TopK(int capacity)
    {
        _scores = new float[capacity];
        _items = new int[capacity];
    }

    /// <summary>Gets the number of entries held.</summary>
    public int Count { get; private set; }

    /// <summary>Gets the score an entry must beat to enter once the heap is full.</summary>
    public float Threshold => Count < _scores.Length ? float.NegativeInfinity : _scores[0];

    /// <summary>Offers an entry; kept only if it is among the best <c>k</c>.</summary>
    public void Add(float score, int item)
    {
        if (Count < _scores.Length)
        {
            var i = Count++;
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                if (_scores[parent] <= score)
                {
                    break;
                }

                _scores[i] = _scores[parent];
                _items[i] = _items[parent];
                i = parent;
            }

            _scores[i] = score;
            _items[i] = item;
        }
        else if (score > _scores[0])
        {
            SiftDown(score, item);
        }
    }

    /// <summary>Adds every entry of <paramref name="other"/>.</summary>
    public void Merge(TopK other)
    {
        for (var i = 0; i < other.Count; i++)
        {
            Add(other._scores[i], other._items[i]);
        }
    }

    /// <summary>Returns the entries, best first.</summary>
    public (float Score, int Item)[] ToSortedArray()
    {
        var result = new (float Score, int Item)[Count];
        for (var i = 0; i < Count; i++)
        {
            result[i] = (_scores[i], _items[i]);
        }

        // Ties broken by item so that results are deterministic whatever the partitioning.
        Array.Sort(result, static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Item.CompareTo(b.Item));
        return result;
    }

    private void SiftDown(float score, int item)
    {
        var count = Count;
        var i = 0;
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && _scores[child + 1] < _scores[child])
            {
                child++;
            }

            if (_scores[child] >= score)
            {
                break;
            }

            _scores[i] = _scores[child];
            _items[i] = _items[child];
            i = child;
        }

        _scores[i] = score;
        _items[i] = item;
    }
}
