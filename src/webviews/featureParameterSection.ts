/**
 * The host side of a page's feature parameters section, without `vscode`: it loads the section of a
 * License and answers the section's messages. A page (the customer view) holds one per License shown,
 * passes it the messages its gate accepted (`parseFeaturePageMessage`), and posts what it answers.
 * A save edits only a value this section sent to the page, and goes through the one save path
 * (`saveFeatureParameter`): a forged message for a Subscriber-to-LMO value, a value out of range or a
 * value the page never showed writes nothing.
 */
import {
  FMA_EXPLANATION,
  FMA_NO_ACCESS,
  FMA_READ_ONLY,
  detectFma,
  loadLicenseFeatureParameters,
  type FmaPresence,
} from '../lma/records/featureParameters';
import type { FeatureLicense } from '../lma/rules/featureParameters';
import { saveFeatureParameter } from '../lma/workflows/featureParameterSave';
import type { EditApi } from '../lma/workflows/licenseEdits';
import type { AskConfirmation } from '../lma/workflows/licenseSave';
import type { FeatureHostMessage, FeaturePageMessage, FeatureSection } from '../protocol/featureParameters';

export class FeatureParameterSection {
  private section: FeatureSection | undefined;
  private presence: FmaPresence | undefined;

  constructor(
    private readonly api: EditApi,
    private readonly license: FeatureLicense,
    private readonly askConfirmation: AskConfirmation,
    /** How the FMA is detected: a page with several sections passes one shared detection. */
    private readonly detect: () => Promise<FmaPresence> = () => detectFma(api),
  ) {}

  /** Reads the section again (detection once per section, the values every time). */
  async load(): Promise<FeatureSection> {
    this.presence ??= await this.detect();
    const presence = this.presence;
    if (presence.kind === 'notInstalled')
      return (this.section = { kind: 'notInstalled', explanation: FMA_EXPLANATION });
    if (presence.kind === 'noAccess') return (this.section = { kind: 'noAccess', message: FMA_NO_ACCESS });
    try {
      const parameters = await loadLicenseFeatureParameters(this.api, this.license.id);
      this.section = {
        kind: 'loaded',
        licenseId: this.license.id,
        editable: presence.editable,
        readOnlyReason: presence.editable ? undefined : FMA_READ_ONLY,
        parameters,
        readAt: new Date().toISOString(),
      };
    } catch (error) {
      this.section = { kind: 'failed', licenseId: this.license.id, message: (error as Error).message };
    }
    return this.section;
  }

  /** The answer to a message the page's gate accepted; undefined when it is another License's. */
  async handle(message: FeaturePageMessage): Promise<FeatureHostMessage[] | undefined> {
    if (message.licenseId !== this.license.id) return undefined;
    if (message.kind === 'refreshFeatureParameters')
      return [{ kind: 'featureParameters', section: await this.load() }];
    const section = this.section;
    const shown =
      section?.kind === 'loaded' ? section.parameters.find((p) => p.id === message.id) : undefined;
    if (!section || section.kind !== 'loaded' || !shown)
      return [
        {
          kind: 'featureSaveResult',
          result: {
            licenseId: message.licenseId,
            parameterId: message.id,
            kind: 'refused',
            message: 'This feature parameter is not among those shown for the License: nothing was saved.',
          },
        },
      ];
    const outcome = await saveFeatureParameter(
      this.api,
      this.license,
      shown,
      message.value,
      this.askConfirmation,
      {
        editable: section.editable,
      },
    );
    return [
      {
        kind: 'featureSaveResult',
        result: {
          licenseId: this.license.id,
          parameterId: message.id,
          kind: outcome.kind,
          message: outcome.message,
        },
      },
      // What the org holds now, after a save, a conflict or a deletion alike.
      { kind: 'featureParameters', section: await this.load() },
    ];
  }
}
