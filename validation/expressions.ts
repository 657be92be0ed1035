/**
 * @deprecated Moved to `core/expressions` (issue #10); this re-export lets branches started before the move
 * still build. Import from core/ instead; it will be removed.
 */
export * from '../core/expressions';
