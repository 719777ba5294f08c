// @ts-check
/**
 * TypeDoc plugin: members of an exported variable's *inferred* type are not asked for documentation.
 *
 * `validation.notDocumented` walks every nested property of a variable's type. For a variable
 * whose type is written out (`const x: Options = …`), those members belong to a named type that
 * is documented where it is declared. For a variable whose type TypeScript infers from its
 * initializer — an xstate machine built with `setup(…).createMachine(…)`, a data table declared
 * `as const` — the "members" are the nested keys of the initializer (`states.calling.after.B
 * .target`, one per table row), so typedoc would ask for hundreds of comments that can only repeat
 * the code. The variable itself still needs its own comment; this plugin only exempts what is
 * nested inside its inferred type.
 *
 * How: while converting, it records every variable whose declaration has no type annotation. When
 * conversion ends, it appends the full names of the undocumented reflections nested under those
 * variables — exactly the ones `validateDocumentation` would report — to the
 * `intentionallyNotDocumented` option, TypeDoc's own mechanism for this. Nothing is hidden from the
 * rendered output, and a member that does carry a comment keeps it. Written against TypeDoc 0.28.
 */
import ts from 'typescript';
import { Converter, DeclarationReflection, ReflectionKind } from 'typedoc';

/**
 * The reflection kinds `validateDocumentation` checks, computed the same way it does.
 * @param {readonly string[]} required
 */
function requiredKinds(required) {
  let kinds = required.reduce((mask, name) => mask | ReflectionKind[/** @type {keyof typeof ReflectionKind} */ (name)], 0);
  if (kinds & ReflectionKind.FunctionOrMethod) kinds = (kinds | ReflectionKind.CallSignature) & ~ReflectionKind.FunctionOrMethod;
  if (kinds & ReflectionKind.Constructor) kinds = (kinds | ReflectionKind.ConstructorSignature) & ~ReflectionKind.Constructor;
  if (kinds & ReflectionKind.Accessor) kinds = (kinds | ReflectionKind.GetSignature | ReflectionKind.SetSignature) & ~ReflectionKind.Accessor;
  return kinds;
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  /** Ids of the reflections of exported variables declared without a type annotation. */
  const inferred = new Set();

  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Variable)) return;
    const symbol = context.getSymbolFromReflection(reflection);
    const declarations = symbol?.declarations ?? [];
    if (declarations.length > 0 && declarations.every((d) => ts.isVariableDeclaration(d) && d.type === undefined)) {
      inferred.add(reflection.id);
    }
  });

  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const project = context.project;
    const kinds = requiredKinds(app.options.getValue('requiredToBeDocumented'));
    const packages = app.options.isSet('packagesRequiringDocumentation')
      ? app.options.getValue('packagesRequiringDocumentation')
      : [project.packageName];
    /** @type {Set<string>} */
    const names = new Set();

    for (const ref of Object.values(project.reflections)) {
      if (!ref.kindOf(kinds)) continue;
      // Only what is nested under an inferred variable, and not inside a parameter (never checked).
      let underInferred = false;
      let underParameter = false;
      for (let r = ref.parent; r; r = r.parent) {
        if (r.kindOf(ReflectionKind.Parameter)) underParameter = true;
        if (inferred.has(r.id)) underInferred = true;
      }
      if (!underInferred || underParameter) continue;
      // The cases validateDocumentation forwards to a parent instead of checking them itself.
      if (ref.kindOf(ReflectionKind.TypeLiteral) && ref.parent?.kindOf(ReflectionKind.TypeAlias)) continue;
      if (ref.kindOf(ReflectionKind.CallSignature) && ref.parent?.kindOf(ReflectionKind.TypeLiteral)) continue;
      if (ref.kindOf(ReflectionKind.ConstructorSignature) && ref.parent?.parent?.kindOf(ReflectionKind.TypeAlias)) continue;
      if (ref instanceof DeclarationReflection && ref.kindOf(ReflectionKind.SignatureContainer) && ref.getNonIndexSignatures().length) continue;
      const documented = ref.hasComment() || (ref.kindOf(ReflectionKind.SomeSignature) && ref.parent?.hasComment());
      if (documented) continue;
      const symbolId = project.getSymbolIdFromReflection(ref);
      if (!symbolId || !packages.includes(symbolId.packageName)) continue;
      names.add(ref.getFriendlyFullName());
    }

    if (names.size > 0) {
      const existing = app.options.getValue('intentionallyNotDocumented');
      app.options.setValue('intentionallyNotDocumented', [...existing, ...[...names].filter((n) => !existing.includes(n))]);
      app.logger.verbose(`inferred-members: ${names.size} members of inferred variable types exempted from notDocumented`);
    }
  });
}
