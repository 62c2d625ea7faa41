import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cachingStatements } from '../../src/store/statement-cache.js';

describe('SQLite statement cache', () => {
  function counted(size?: number) {
    const db = new SQLite(':memory:');
    let prepared = 0;
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      prepared++;
      return prepare(sql);
    }) as typeof db.prepare;
    db.exec('create table t (id integer primary key, v text)');
    return { db, cached: cachingStatements(db, size), prepared: () => prepared };
  }

  it('prepares a statement once per SQL text and reuses it with new parameters', () => {
    const { cached, prepared } = counted();
    cached.prepare('insert into t (v) values (?)').run(['a']);
    cached.prepare('insert into t (v) values (?)').run(['b']);
    expect(cached.prepare('select v from t where v = ?').all(['b'])).toEqual([{ v: 'b' }]);
    expect(cached.prepare('select v from t where v = ?').all(['a'])).toEqual([{ v: 'a' }]);
    expect(prepared()).toBe(2);
  });

  it('evicts the least recently used statement beyond its size', () => {
    const { cached, prepared } = counted(2);
    cached.prepare('select 1');
    cached.prepare('select 2');
    cached.prepare('select 1'); // most recent now
    cached.prepare('select 3'); // evicts "select 2"
    cached.prepare('select 1');
    expect(prepared()).toBe(3);
    cached.prepare('select 2');
    expect(prepared()).toBe(4);
  });

  it('never hands out a statement that is still iterating: the second caller gets a fresh one', () => {
    const { cached, prepared } = counted();
    cached.prepare('insert into t (v) values (?)').run(['a']);
    cached.prepare('insert into t (v) values (?)').run(['b']);
    const iterator = cached.prepare('select v from t order by id').iterate([]);
    expect(iterator.next().value).toEqual({ v: 'a' });
    expect(cached.prepare('select v from t order by id').all([])).toEqual([{ v: 'a' }, { v: 'b' }]);
    expect(iterator.next().value).toEqual({ v: 'b' });
    expect(prepared()).toBe(3);
  });

  it('a statement that failed (constraint) is reused afterwards', () => {
    const { cached } = counted();
    cached.prepare('insert into t (id, v) values (?, ?)').run([1, 'a']);
    expect(() => cached.prepare('insert into t (id, v) values (?, ?)').run([1, 'b'])).toThrow(/UNIQUE|PRIMARY KEY/);
    cached.prepare('insert into t (id, v) values (?, ?)').run([2, 'b']);
    expect(cached.prepare('select count(*) as n from t').all([])).toEqual([{ n: 2 }]);
  });

  it('a schema change under a cached statement is picked up', () => {
    const { db, cached } = counted();
    cached.prepare('insert into t (v) values (?)').run(['a']);
    expect(cached.prepare('select * from t').all([])).toEqual([{ id: 1, v: 'a' }]);
    db.exec("alter table t add column w text default 'x'");
    expect(cached.prepare('select * from t').all([])).toEqual([{ id: 1, v: 'a', w: 'x' }]);
  });
});
